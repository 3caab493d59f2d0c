/**
 * Raw protocol clients for tests: a WebSocket on the JDK's {@code java.net.http.WebSocket} that
 * records every text frame exactly and the close code ({@link dev.sente.testkit.raw.RawWebSocket}),
 * HTTP requests on the JDK's {@code HttpClient} ({@link dev.sente.testkit.raw.RawHttp}), a
 * hand-written request on a plain socket that a client can abandon ({@link
 * dev.sente.testkit.raw.RawSocketRequest}), and hand-written requests and upgrades that set their
 * own {@code Host} header ({@link dev.sente.testkit.raw.RawHostRequest}). None of them knows
 * Sente's protocol: tests send and expect wire text.
 *
 * <pre>{@code
 * RawWebSocket ws = RawWebSocket.connect(URI.create("ws://localhost:8080/chsk?client-id=c1"),
 *     Map.of("Origin", "http://localhost:8080"));
 * assertThat(ws.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
 * }</pre>
 */
package dev.sente.testkit.raw;
