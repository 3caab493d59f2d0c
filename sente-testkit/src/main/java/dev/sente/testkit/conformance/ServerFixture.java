package dev.sente.testkit.conformance;

import dev.sente.server.SenteServer;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One Sente server under test: the {@link SenteServer}, the web server an adapter started around
 * it, and an {@link EventRecorder} registered as its catch-all handler. Hands out {@link Peer}s,
 * raw clients that talk to its endpoint, and closes every socket they opened.
 *
 * <p>The suite identifies users by the {@value #USER_HEADER} header (see {@link
 * ConformanceTestBase#builder()}); a browser-like peer also sends {@code Origin} with the server's
 * own origin, which the default same-origin policy accepts.
 *
 * <pre>{@code
 * ServerFixture server = serve(builder().longPollTimeout(Duration.ofMillis(500)));
 * RawWebSocket ws = server.as("alice").connect("c1");
 * server.sente().send("alice", "x/a", 1);
 * assertThat(ws.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
 * }</pre>
 */
public final class ServerFixture implements AutoCloseable {

  /** The request header the suite's user-id resolver reads. */
  public static final String USER_HEADER = "X-User";

  private final SenteServer sente;
  private final RunningServer running;
  private final EventRecorder events;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  ServerFixture(SenteServer sente, RunningServer running, EventRecorder events) {
    this.sente = sente;
    this.running = running;
    this.events = events;
  }

  /** The Sente server. */
  public SenteServer sente() {
    return sente;
  }

  /** The web server around it. */
  public RunningServer running() {
    return running;
  }

  /** Every event that reached the catch-all handler. */
  public EventRecorder events() {
    return events;
  }

  /** The server's own origin, {@code http://host:port}. */
  public String origin() {
    URI base = running.baseUri();
    return base.getScheme() + "://" + base.getHost() + ":" + port();
  }

  /** The port the server listens on. */
  public int port() {
    URI base = running.baseUri();
    if (base.getPort() > 0) {
      return base.getPort();
    }
    return "https".equals(base.getScheme()) ? 443 : 80;
  }

  /** The endpoint's HTTP URI with this raw (already encoded) query; empty for none. */
  public URI httpUri(String query) {
    return uri(running.baseUri().getScheme(), query);
  }

  /** The endpoint's WebSocket URI with this raw (already encoded) query; empty for none. */
  public URI webSocketUri(String query) {
    return uri("https".equals(running.baseUri().getScheme()) ? "wss" : "ws", query);
  }

  private URI uri(String scheme, String query) {
    Objects.requireNonNull(query, "query");
    URI base = running.baseUri();
    String path = sente.config().path();
    return URI.create(
        scheme
            + "://"
            + base.getHost()
            + ":"
            + port()
            + path
            + (query.isEmpty() ? "" : "?" + query));
  }

  /** A browser page of this server, logged in as a user: sends {@code Origin} and the user. */
  public Peer as(String userId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Origin", origin());
    headers.put(USER_HEADER, Objects.requireNonNull(userId, "userId"));
    return new Peer(this, headers);
  }

  /** A browser page of this server with no user: sends {@code Origin} only. */
  public Peer anonymous() {
    return new Peer(this, Map.of("Origin", origin()));
  }

  /** A client that sends no header at all (no Origin, no Referer, no user). */
  public Peer bare() {
    return new Peer(this, Map.of());
  }

  synchronized <T extends AutoCloseable> T track(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Closes every socket its peers opened. */
  @Override
  public synchronized void close() {
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        // a socket that cannot close is gone already
      }
    }
  }
}
