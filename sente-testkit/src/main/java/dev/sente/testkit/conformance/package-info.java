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
 * <p>The suites, by the case numbers of the Sente reference (section 8) and the rows of QUALITY.md
 * (section 3):
 *
 * <ul>
 *   <li>{@link dev.sente.testkit.conformance.HandshakeConformance}: cases 1, 2, 3, 16.
 *   <li>{@link dev.sente.testkit.conformance.CsrfConformance}: cases 4, 5; missing client id, bad
 *       CSRF token.
 *   <li>{@link dev.sente.testkit.conformance.OriginConformance}: case 6; foreign origin.
 *   <li>{@link dev.sente.testkit.conformance.AuthorizationConformance}: case 7; unauthorized user.
 *   <li>{@link dev.sente.testkit.conformance.WebSocketEventConformance}: cases 8, 9, 10, 11, 30.
 *   <li>{@link dev.sente.testkit.conformance.KeepAliveConformance}: case 12; a client that goes
 *       silent.
 *   <li>{@link dev.sente.testkit.conformance.AjaxConformance}: cases 16 to 20, 30.
 *   <li>{@link dev.sente.testkit.conformance.PushConformance}: cases 13, 14, 15, 24.
 *   <li>{@link dev.sente.testkit.conformance.ConnectedUsersConformance}: cases 1, 17, 22, 23.
 *   <li>{@link dev.sente.testkit.conformance.BadInputConformance}: case 10; malformed and oversized
 *       frames and bodies.
 *   <li>{@link dev.sente.testkit.conformance.SlowClientConformance}: a client that stops reading;
 *       abandoned long-polls.
 *   <li>{@link dev.sente.testkit.conformance.HandlerFailureConformance}: a handler that throws or
 *       blocks.
 * </ul>
 *
 * Case 21 (binary Ajax POST with the MessagePack packer) waits for a binary packer; cases 25 to 29
 * are client behaviour.
 */
package dev.sente.testkit.conformance;
