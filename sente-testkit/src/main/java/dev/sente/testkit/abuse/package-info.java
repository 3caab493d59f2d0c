/**
 * Abuse suites: abstract JUnit classes, run by every server adapter as the conformance suites are
 * (subclass each and implement {@link dev.sente.testkit.conformance.ConformanceTestBase#start}),
 * that play a hostile client against a real server.
 *
 * <ul>
 *   <li>{@link dev.sente.testkit.abuse.ReservedIdsAbuse}: a client forging the server's protocol
 *       notifications ({@code chsk/uidport-open}, {@code chsk/handshake} ...).
 *   <li>{@link dev.sente.testkit.abuse.LogAbuse}: client text that would forge log lines, floods of
 *       bad input that would fill the log, upgrade queries that would log stack traces.
 *   <li>{@link dev.sente.testkit.abuse.HeadersAbuse}: the security headers of every response.
 * </ul>
 *
 * {@link dev.sente.testkit.abuse.LogCapture} tees {@code System.err} for the log assertions.
 */
package dev.sente.testkit.abuse;
