package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawSocketRequest;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One raw client identity against a {@link ServerFixture}: the headers it sends with every request
 * (a browser's {@code Origin}, the suite's user header, a CSRF token ...). Immutable: {@link
 * #withHeader} returns a changed copy. Requests carry exactly the query or form text given, so
 * tests state the wire text.
 *
 * <pre>{@code
 * Peer alice = server.as("alice");
 * RawWebSocket ws = alice.webSocket("client-id=c1");
 * RawResponse handshake = alice.get("client-id=c3&udt=1&handshake%3F=1");
 * RawResponse sent = alice.post(RawHttp.form("client-id", "c3", "udt", "3", "ppstr", "[[\"a/b\",1],null]"));
 * }</pre>
 */
public final class Peer {

  private static final AtomicLong UDT = new AtomicLong(System.currentTimeMillis());

  private final ServerFixture server;
  private final Map<String, String> headers;

  Peer(ServerFixture server, Map<String, String> headers) {
    this.server = server;
    this.headers = Map.copyOf(headers);
  }

  /** The headers this peer sends. */
  public Map<String, String> headers() {
    return headers;
  }

  /** A copy that also sends this header (replacing one of the same name). */
  public Peer withHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.keySet().removeIf(name::equalsIgnoreCase);
    copy.put(name, value);
    return new Peer(server, copy);
  }

  /** A copy that does not send this header. */
  public Peer withoutHeader(String name) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.keySet().removeIf(name::equalsIgnoreCase);
    return new Peer(server, copy);
  }

  // ---- WebSocket

  /** Opens a WebSocket to the endpoint with this query (such as {@code client-id=c1}). */
  public RawWebSocket webSocket(String query) {
    return server.track(RawWebSocket.connect(server.webSocketUri(query), headers));
  }

  /** Opens a WebSocket that never reads a frame (a slow consumer). */
  public RawWebSocket webSocketWithoutReading(String query) {
    return server.track(RawWebSocket.connectWithoutReading(server.webSocketUri(query), headers));
  }

  /**
   * Opens a WebSocket for a client id, takes its first frame, which must be the handshake, then
   * makes one client ping round trip ({@code [["chsk/ws-ping"],"ready0"]} answered {@code
   * ["pong","ready0"]}). Since the server handles a socket's messages only after it opened it, the
   * server has registered the socket when this returns: a push sent now reaches it. (The server may
   * send the handshake before it registers the socket, as Sente does.)
   */
  public RawWebSocket connect(String clientId) {
    RawWebSocket ws = webSocket("client-id=" + RawHttp.encode(clientId));
    assertThat(ws.nextFrame()).as("first frame").startsWith("[[\"chsk/handshake\",");
    ws.send("[[\"chsk/ws-ping\"],\"ready0\"]");
    assertThat(ws.nextFrame()).as("answer to the ready ping").isEqualTo("[\"pong\",\"ready0\"]");
    return ws;
  }

  /** Tries an upgrade the server must refuse; returns the HTTP status of the refusal. */
  public int refusedUpgrade(String query) {
    return RawWebSocket.refusedStatus(server.webSocketUri(query), headers);
  }

  // ---- Ajax

  /** A GET to the endpoint with this query. */
  public RawResponse get(String query) {
    return RawHttp.get(server.httpUri(query), headers);
  }

  /** A GET whose answer comes later: a long-poll. */
  public CompletableFuture<RawResponse> getAsync(String query) {
    return RawHttp.getAsync(server.httpUri(query), headers);
  }

  /** A GET written on a plain socket and never read: a poll the client may abandon. */
  public RawSocketRequest getAbandonable(String query) {
    return server.track(RawSocketRequest.get(server.httpUri(query), headers));
  }

  /** A form POST to the endpoint with this exact body. */
  public RawResponse post(String formBody) {
    return RawHttp.post(server.httpUri(""), formBody, headers);
  }

  /** A form POST whose answer comes later. */
  public CompletableFuture<RawResponse> postAsync(String formBody) {
    return RawHttp.postAsync(server.httpUri(""), formBody, headers);
  }

  /** The Ajax handshake {@code client-id=<cid>&udt=<ms>&handshake%3F=1}; returns its response. */
  public RawResponse ajaxHandshake(String clientId) {
    return get("client-id=" + RawHttp.encode(clientId) + "&udt=" + udt() + "&handshake%3F=1");
  }

  /** An Ajax long-poll {@code client-id=<cid>&udt=<ms>}, answered later. */
  public CompletableFuture<RawResponse> poll(String clientId) {
    return getAsync("client-id=" + RawHttp.encode(clientId) + "&udt=" + udt());
  }

  /** An Ajax send: the form {@code client-id=<cid>&udt=<ms>&ppstr=<packed, url-encoded>}. */
  public RawResponse send(String clientId, String ppstr) {
    return RawHttp.join(sendAsync(clientId, ppstr));
  }

  /** An Ajax send answered later (an event that waits for its reply). */
  public CompletableFuture<RawResponse> sendAsync(String clientId, String ppstr) {
    return postAsync(
        RawHttp.form("client-id", clientId, "udt", String.valueOf(udt()), "ppstr", ppstr));
  }

  private static long udt() {
    return UDT.incrementAndGet();
  }
}
