/**
 * Fault machinery for tests of every adapter: a TCP proxy that breaks the network under test
 * control, and counters of numbered streams.
 *
 * <ul>
 *   <li>{@link dev.sente.testkit.faults.FaultProxy}: cuts, refusals, stalls (held or dropped
 *       bytes), delays, client-side resets with a silent server side, upgrades answered {@code
 *       200}, retargeting to another server, and round robin over several servers (a load balancer
 *       with no sticky sessions, per connection).
 *   <li>{@link dev.sente.testkit.faults.SteadySender}: events numbered 1..N at a steady rate,
 *       pushed by a server or sent by a client.
 *   <li>{@link dev.sente.testkit.faults.DeliveryCounter}: what arrived of them, as lost, duplicated
 *       and reordered counts.
 * </ul>
 */
package dev.sente.testkit.faults;
