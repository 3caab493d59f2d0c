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
 *       "open" is ignored, as in Sente). A {@link #send} or {@link #request} made now is kept and
 *       goes out right after the handshake (see <a href="#kept">Kept while connecting</a>).
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
 * <h2 id="kept">Kept while connecting</h2>
 *
 * <p>Sends and requests made while the client is connecting or reconnecting (after {@link
 * #connect()}, until the handshake; also while a reconnect is scheduled) are kept, at most {@link
 * #MAX_WAITING_REQUESTS} (100) of both together, each until its own timeout (requests) or until
 * sent (sends); they are sent in call order right after the handshake, before anything the state
 * listeners or the {@code chsk/handshake} handler send. A request's timeout counts from the call,
 * so it bounds the wait and the reply together; a request not sent in time fails with {@link
 * ReplyTimeoutException}. One more beyond the bound is refused at once ({@link #send} returns
 * false, {@link #request} fails with {@link ConnectionClosedException}). {@link #pending()} counts
 * them and {@link #dropPending()} drops them. {@link #disconnect()}, {@link #close()} and the stop
 * rule giving up fail the kept requests with {@link ConnectionClosedException} and drop the kept
 * sends. Before {@link #connect()}, after {@link #disconnect()} and after {@link #close()} nothing
 * is kept: {@link #send} returns false and {@link #request} fails at once. The browser client
 * behaves the same.
 *
 * <h2>Resume</h2>
 *
 * <p>By default the client asks the server for the resume extension (docs/protocol.md, "Extensions
 * / Resume"; {@link SenteClientBuilder#resume(boolean)}). A server that grants it numbers its
 * pushes; the client keeps its cursor across reconnects and transport changes, drops the events it
 * has seen already, and reports each open after the first as {@link Recovery.Recovered} or {@link
 * Recovery.Gap} in {@link ClientState.Open#recovery()} and as the local event {@code chsk/recovery}
 * (data {@code {"recovered":true}} or {@code {"recovered":false,"gap":n}}, {@code n} null when the
 * server does not know), delivered right after {@code chsk/handshake}. It reports {@code Recovered}
 * only when the server said {@code recovered: true} for the client's own cursor; a granted reopen
 * without that verdict is a gap of unknown size. A gap the server announces inside a session (a
 * push whose meta carries {@code gap}) is reported the same way: a new {@code Open} state carrying
 * the gap, and {@code chsk/recovery}, before the frame's events. The first open reports nothing. A
 * server that does not grant it changes nothing: no report, no event, every pushed event delivered
 * as is.
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
   * How many sends and requests, together, may be kept while the client connects or reconnects (see
   * <a href="#kept">Kept while connecting</a>): 100. One more is refused at once.
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
   * nil handshakeData firstOpen]}), {@code chsk/ws-ping} (the server pinged), {@code
   * chsk/bad-event} (a pushed value that is not an event) and {@code chsk/recovery} (what a reopen
   * recovered, only from a server that grants resume; see {@link Recovery}).
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
   * Sends an event with no reply wanted. Returns true when the frame was handed to the transport,
   * or, while the client connects or reconnects, kept to go out right after the handshake (see <a
   * href="#kept">Kept while connecting</a>). Returns false, with nothing put on the wire, before
   * {@link #connect()}, after {@link #disconnect()} or {@link #close()}, when {@link
   * #MAX_WAITING_REQUESTS} are kept already, or when too many frames wait to be written. Data may
   * be null for an event without data. Throws {@link dev.sente.core.SenteException} for an invalid
   * or reserved ({@code chsk/*}) event id and {@link dev.sente.core.PackException} for data the
   * packer cannot write.
   */
  boolean send(String eventId, Object data);

  /**
   * Sends an event and waits for the server's reply. The stage fails with {@link
   * ReplyTimeoutException} when no reply comes within the timeout, {@link
   * ConnectionClosedException} when the connection drops first, and {@link ReplyErrorException}
   * when the server answers with an error. Throws like {@link #send}.
   *
   * <p>Made while the client connects or reconnects, the request is kept until the handshake and
   * goes out then, in call order with the kept sends (see <a href="#kept">Kept while
   * connecting</a>). The timeout counts from the call, so it bounds the wait and the reply
   * together: not open in time fails with {@link ReplyTimeoutException} and nothing is sent. {@link
   * #disconnect()}, {@link #close()}, {@link #dropPending()} or the stop rule giving up fail a kept
   * request with {@link ConnectionClosedException}. A request made before {@link #connect()}, after
   * {@link #disconnect()}, or when {@link #MAX_WAITING_REQUESTS} are kept already fails at once
   * with {@link ConnectionClosedException}, and nothing is sent. The browser client behaves the
   * same.
   */
  CompletionStage<Reply> request(String eventId, Object data, Duration timeout);

  /** Like {@link #request(String, Object, Duration)}, converting the reply to a type. */
  default <T> CompletionStage<T> request(
      String eventId, Object data, Duration timeout, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return request(eventId, data, timeout).thenApply(reply -> reply.as(type));
  }

  /**
   * How many sends and requests are kept now, waiting for the handshake to go out (see <a
   * href="#kept">Kept while connecting</a>); at most {@link #MAX_WAITING_REQUESTS}.
   */
  int pending();

  /**
   * Drops every send and request kept for the handshake (see <a href="#kept">Kept while
   * connecting</a>): nothing of them is sent, the kept requests fail with {@link
   * ConnectionClosedException}. Returns how many were dropped.
   */
  int dropPending();

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
