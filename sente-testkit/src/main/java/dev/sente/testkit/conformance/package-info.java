/**
 * The adapter conformance suite: abstract JUnit test classes that every server adapter runs against
 * a real server on an ephemeral port, asserting the exact wire text with the raw clients of {@code
 * dev.sente.testkit.raw}. An adapter is done when all of them pass on it.
 *
 * <p>To run the suite on an adapter, subclass each suite in the adapter's test tree and implement
 * {@link dev.sente.testkit.conformance.ConformanceTestBase#start}:
 *
 * <pre>{@code
 * class JettyAjaxConformanceTest extends AjaxConformance {
 *   @Override
 *   protected RunningServer start(SenteServer sente) {
 *     var jetty = SenteJetty.serve(sente, 0);
 *     return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
 *   }
 * }
 * }</pre>
 *
 * <p>The suites (docs/protocol.md, "Conformance cases", maps every test to the protocol statement
 * it checks):
 *
 * <ul>
 *   <li>{@link dev.sente.testkit.conformance.HandshakeConformance}: the handshake on both
 *       transports, anonymous users, handshake data.
 *   <li>{@link dev.sente.testkit.conformance.CsrfConformance}: missing client id, the CSRF token.
 *   <li>{@link dev.sente.testkit.conformance.OriginConformance}: the origin check.
 *   <li>{@link dev.sente.testkit.conformance.AuthorizationConformance}: authorization, the reject
 *       hook, the order of the checks.
 *   <li>{@link dev.sente.testkit.conformance.WebSocketEventConformance}: client events, callback
 *       replies, client pings, v2 frames.
 *   <li>{@link dev.sente.testkit.conformance.KeepAliveConformance}: the server's ping; a client
 *       that goes silent.
 *   <li>{@link dev.sente.testkit.conformance.AjaxConformance}: held polls, their timeout, POSTs.
 *   <li>{@link dev.sente.testkit.conformance.PushConformance}: batching, fan-out, broadcast,
 *       disconnect.
 *   <li>{@link dev.sente.testkit.conformance.ConnectedUsersConformance}: connected users, uidport
 *       events, the reconnect grace.
 *   <li>{@link dev.sente.testkit.conformance.BadInputConformance}: malformed and oversized frames
 *       and bodies.
 *   <li>{@link dev.sente.testkit.conformance.SlowClientConformance}: a client that stops reading;
 *       abandoned long-polls.
 *   <li>{@link dev.sente.testkit.conformance.HandlerFailureConformance}: a handler that throws or
 *       blocks.
 * </ul>
 *
 * A binary Ajax POST ({@code binary?}) is not covered yet: no binary packer ships. What only a
 * client does (sends before the handshake, its own keep-alive ping, the fall-back to Ajax, the
 * reconnect backoff) is tested in {@code sente-client} and {@code sente-js}.
 */
package dev.sente.testkit.conformance;
