package dev.sente.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A Sente client: bidirectional, asynchronous messaging with a Sente server over a WebSocket, with
 * Ajax long-polling as the fallback. It speaks Sente's wire protocol and behaves like Sente's
 * browser client, so it talks to this project's server and to Clojure's Sente alike.
 *
 * <pre>{@code
 * SenteClient client = SenteClient.builder("http://localhost:8080/chsk").build();
 * client.on("chat/line", event -> System.out.println(event.data(ChatLine.class)));
 * client.onState(state -> System.out.println("state: " + state));
 * client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
 * client.send("chat/typing", true);                                     // fire and forget
 * Saved saved = client.request("chat/send", line, Duration.ofSeconds(5), Saved.class)
 *     .toCompletableFuture().get();                                      // with a reply
 * client.close();
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * <p>The state is a {@link ClientState}, observable through {@link #state()} and {@link
 * #onState(Consumer)}:
 *
 * <ul>
 *   <li><b>Closed(INITIAL)</b>: a new client does nothing until {@link #connect()}.
 *   <li><b>Connecting</b>: a WebSocket upgrade, or an Ajax handshake GET, is on its way. The
 *       connection counts as open only when the server's handshake arrives (a WebSocket's own
 *       "open" is ignored, as in Sente). {@link #send} returns false and puts nothing on the wire.
 *       A {@link #request} made before the first handshake waits for it (see there); one made while
 *       reconnecting fails with {@link ConnectionClosedException}.
 *   <li><b>Open</b>: the handshake arrived, with the user id the server resolved. The future of
 *       {@link #connect()} completes at the first one. On a WebSocket the client answers the
 *       server's pings, and pings the server after {@code keepAlive/2} to {@code keepAlive} of
 *       silence (default 20 s); no answer within the ping timeout (default 5 s) closes the
 *       connection with {@link CloseReason#PING_TIMEOUT}. On Ajax the client holds one long-poll
 *       GET at a time and sends each event as a POST.
 *   <li><b>Closed</b>: the connection failed or dropped, with a {@link CloseReason}. Requests still
 *       waiting for a reply fail with {@link ConnectionClosedException}. Unless the application
 *       disconnected, or its {@link SenteClientBuilder#stopReconnectingWhen stop rule} matches,
 *       {@link ClientState.Closed#willReconnect()} is true and a reconnect follows.
 *   <li><b>ReconnectScheduled</b>: waiting for the {@link Backoff} delay (the first retry is
 *       immediate, later ones back off exponentially with jitter, up to 30 s), then
 *       <b>Connecting</b> again. A handshake resets the retry count.
 * </ul>
 *
 * <p>In {@link Transport#AUTO} mode (the default) the client tries the WebSocket first; if it fails
 * before its first handshake, the client closes with {@link CloseReason#DOWNGRADING} and switches
 * to Ajax, then tries the WebSocket again in the background every {@link
 * SenteClientBuilder#upgradeRetryInterval upgrade interval} and moves back when it handshakes.
 * {@link #disconnect()} stops retrying until the next {@link #connect()}; {@link #reconnect()}
 * drops the connection and connects again at once (after a login, so the server sees the new
 * session); {@link #close()} ends the client for good.
 *
 * <h2>Threads</h2>
 *
 * <p>All methods are thread-safe and never block. Handlers and state listeners never run on the
 * HTTP client's I/O threads: they run on the callback executor, one at a time, in the order the
 * client saw the events. Request futures complete on the same executor but outside that order, so
 * waiting for a reply inside a handler does not deadlock. Heavy parts (HTTP client, scheduler,
 * executor) can be shared by thousands of clients, see {@link SenteClientBuilder}.
 */
public interface SenteClient extends AutoCloseable {

  /**
   * How many requests made before the first handshake may wait for it at one time (see {@link
   * #request}); one more fails at once with {@link ConnectionClosedException}.
   */
  int MAX_WAITING_REQUESTS = 100;

  /** A builder for a client of the given endpoint, {@code http(s)://host:port/chsk}. */
  static SenteClientBuilder builder(URI endpoint) {
    return new SenteClientBuilder(Objects.requireNonNull(endpoint, "endpoint"));
  }

  /** A builder for a client of the given endpoint, {@code http(s)://host:port/chsk}. */
  static SenteClientBuilder builder(String endpoint) {
    return builder(URI.create(Objects.requireNonNull(endpoint, "endpoint")));
  }

  /** This client's id, sent with every request. */
  String clientId();

  /** The configuration. */
  ClientConfig config();

  /** The state now. */
  ClientState state();

  /**
   * Listens for state changes, which arrive in order on the callback executor. Returns a handle
   * that removes the listener.
   */
  Registration onState(Consumer<ClientState> listener);

  /**
   * Registers the handler of one event id, replacing an earlier one; returns this client. Handlers
   * get the server's pushes, and Sente's notifications {@code chsk/handshake} (data {@code [userId
   * nil handshakeData firstOpen]}), {@code chsk/ws-ping} (the server pinged) and {@code
   * chsk/bad-event} (a pushed value that is not an event).
   */
  SenteClient on(String eventId, Consumer<IncomingEvent> handler);

  /** Registers the catch-all: it gets every event with no handler of its own. Returns this. */
  SenteClient onAny(Consumer<IncomingEvent> handler);

  /**
   * Starts connecting, if the client is not connecting or open already. The stage completes with
   * the open state at the next handshake, and fails with {@link ConnectionClosedException} if the
   * client gives up first ({@link #disconnect()}, {@link #close()}, a stop rule).
   */
  CompletionStage<ClientState.Open> connect();

  /**
   * Sends an event with no reply wanted. Returns false, with nothing put on the wire, when the
   * connection is not open or too many frames are waiting (as Sente's client does); true when the
   * frame was handed to the transport. Data may be null for an event without data. Throws {@link
   * dev.sente.core.SenteException} for an invalid or reserved ({@code chsk/*}) event id and {@link
   * dev.sente.core.PackException} for data the packer cannot write.
   */
  boolean send(String eventId, Object data);

  /**
   * Sends an event and waits for the server's reply. The stage fails with {@link
   * ReplyTimeoutException} when no reply comes within the timeout, {@link
   * ConnectionClosedException} when the connection drops first, and {@link ReplyErrorException}
   * when the server answers with an error. Throws like {@link #send}.
   *
   * <p>Made while the client connects for the first time (after {@link #connect()}, before the
   * first handshake), the request waits for that handshake and goes out then, in the order of the
   * calls. The timeout counts from the call, so it bounds the wait and the reply together: not open
   * in time fails with {@link ReplyTimeoutException} and nothing is sent. {@link #disconnect()},
   * {@link #close()} or the stop rule giving up fail the waiting requests with {@link
   * ConnectionClosedException}. A request made before {@link #connect()}, after {@link
   * #disconnect()}, while the client reconnects after having been open, or when {@link
   * #MAX_WAITING_REQUESTS} are waiting already fails at once with {@link
   * ConnectionClosedException}, and nothing is sent. The browser client behaves the same.
   */
  CompletionStage<Reply> request(String eventId, Object data, Duration timeout);

  /** Like {@link #request(String, Object, Duration)}, converting the reply to a type. */
  default <T> CompletionStage<T> request(
      String eventId, Object data, Duration timeout, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return request(eventId, data, timeout).thenApply(reply -> reply.as(type));
  }

  /**
   * Closes the connection with {@link CloseReason#REQUESTED_DISCONNECT} and stops retrying until
   * the next {@link #connect()}.
   */
  void disconnect();

  /**
   * Closes the connection with {@link CloseReason#REQUESTED_RECONNECT} and connects again at once,
   * with the retry count reset and, in {@code AUTO} mode, the WebSocket tried first.
   */
  void reconnect();

  /**
   * Ends the client: closes the connection, fails waiting requests with {@link
   * ConnectionClosedException}, cancels its timers and shuts down what it created itself (timer
   * thread, executor, HTTP client); shared ones stay open. The last state is {@link
   * CloseReason#CLIENT_CLOSED}. Idempotent.
   */
  @Override
  void close();
}
