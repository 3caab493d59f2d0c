package dev.sente.client.internal;

import dev.sente.client.ClientConfig;
import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Recovery;
import dev.sente.client.Reply;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.core.Event;
import dev.sente.core.Protocol;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's state machine over {@link Session}s: connect, handshake, close, retry with backoff,
 * the {@code AUTO} downgrade to Ajax and the background upgrade back to WebSocket, the sends and
 * requests made while connecting or reconnecting, which are kept for the handshake, and the resume
 * cursor with the recovery it reports ({@link Resume}). Every field is guarded by one lock; user
 * code runs on the callback executor, never under the lock.
 */
final class Connection implements Session.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  private final ClientConfig config;
  private final Object lock;
  private final Callbacks callbacks;
  private final Requests requests;
  private final RetryPolicy retries;
  private final Resume resume;
  private SessionContext ctx;

  private ClientState state = ClientState.Closed.of(CloseReason.INITIAL, false);
  private Session session;
  private Session probe;
  private Cancellable reconnectTimer = SessionContext.NONE;
  private Cancellable probeTimer = SessionContext.NONE;
  private CompletableFuture<ClientState.Open> connecting;
  private boolean wanted;
  private boolean closed;
  private boolean everOpened;
  private boolean webSocketOpened;
  private boolean downgraded;
  private int attempt;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

  /**
   * A send or request made while connecting or reconnecting, not sent yet. A request has a future
   * and a deadline on the scheduler's clock; a send has neither.
   */
  private static final class Waiting {
    final Event event;
    final long deadline;
    final CompletableFuture<Reply> future;
    Cancellable timer = SessionContext.NONE;

    Waiting(Event event, long deadline, CompletableFuture<Reply> future) {
      this.event = event;
      this.deadline = deadline;
      this.future = future;
    }

    boolean isRequest() {
      return future != null;
    }
  }

  private Connection(
      ClientConfig config, Object lock, Callbacks callbacks, Requests requests, Resume resume) {
    this.config = config;
    this.lock = lock;
    this.callbacks = callbacks;
    this.requests = requests;
    this.retries = new RetryPolicy(config);
    this.resume = resume;
  }

  /** A connection whose sessions share the given context, made around it. */
  static Connection create(
      ClientConfig config,
      Protocol protocol,
      Wire wire,
      Scheduler scheduler,
      Object lock,
      Callbacks callbacks,
      Requests requests) {
    Resume resume = new Resume(config.resume(), protocol);
    Connection connection = new Connection(config, lock, callbacks, requests, resume);
    connection.ctx =
        new SessionContext(config, protocol, wire, scheduler, lock, connection, requests, resume);
    return connection;
  }

  ClientState state() {
    synchronized (lock) {
      return state;
    }
  }

  CompletableFuture<ClientState.Open> connect() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(
            new ConnectionClosedException("The client is closed"));
      }
      if (state instanceof ClientState.Open open) {
        return CompletableFuture.completedFuture(open);
      }
      if (connecting == null || connecting.isDone()) {
        connecting = new CompletableFuture<>();
      }
      CompletableFuture<ClientState.Open> result = connecting.copy();
      if (!wanted) {
        wanted = true;
        attempt = 0;
        startSession(preferred(), 0);
      }
      return result;
    }
  }

  boolean send(Event event) {
    synchronized (lock) {
      if (isOpen()) {
        return sendNow(session, event);
      }
      if (closed || !wanted || waiting.size() >= SenteClient.MAX_WAITING_REQUESTS) {
        return false;
      }
      waiting.add(new Waiting(event, Long.MAX_VALUE, null));
      return true;
    }
  }

  CompletableFuture<Reply> request(Event event, Duration timeout) {
    synchronized (lock) {
      if (isOpen()) {
        return session.request(event, timeout).publicFuture();
      }
      if (closed || !wanted) {
        return CompletableFuture.failedFuture(
            new ConnectionClosedException("Not connected (" + state + "); nothing was sent"));
      }
      if (waiting.size() >= SenteClient.MAX_WAITING_REQUESTS) {
        return CompletableFuture.failedFuture(
            new ConnectionClosedException(
                "Not open, and "
                    + SenteClient.MAX_WAITING_REQUESTS
                    + " sends and requests are already waiting; nothing was sent"));
      }
      long millis = timeout.toMillis();
      Waiting w =
          new Waiting(event, ctx.scheduler().nowMillis() + millis, new CompletableFuture<>());
      waiting.add(w);
      w.timer =
          ctx.schedule(
              millis,
              () -> {
                if (waiting.remove(w)) {
                  callbacks.fail(
                      w.future,
                      new ReplyTimeoutException(
                          "Not open within " + millis + " ms: " + event.id() + " was not sent"));
                }
              });
      return w.future.copy();
    }
  }

  int pending() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  int dropPending() {
    synchronized (lock) {
      int count = waiting.size();
      failWaiting("dropPending() dropped it");
      return count;
    }
  }

  void disconnect() {
    synchronized (lock) {
      if (closed || !wanted) {
        return;
      }
      wanted = false;
      detach(CloseReason.REQUESTED_DISCONNECT);
      failWaiting("disconnect() was called");
      setState(ClientState.Closed.of(CloseReason.REQUESTED_DISCONNECT, false));
      failConnecting("disconnect() was called");
    }
  }

  void reconnect() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      detach(CloseReason.REQUESTED_RECONNECT);
      setState(ClientState.Closed.of(CloseReason.REQUESTED_RECONNECT, true));
      wanted = true;
      attempt = 0;
      downgraded = false;
      webSocketOpened = false;
      startSession(preferred(), 0);
    }
  }

  /** Ends everything; true the first time. */
  boolean close() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      wanted = false;
      detach(CloseReason.CLIENT_CLOSED);
      requests.failAll(null, () -> new ConnectionClosedException("The client was closed"));
      failWaiting("The client was closed");
      setState(ClientState.Closed.of(CloseReason.CLIENT_CLOSED, false));
      failConnecting("The client was closed");
      closed = true;
      callbacks.close();
      return true;
    }
  }

  // ---- what sessions report (with the lock held)

  @Override
  public void onHandshake(Session from, Protocol.Handshake handshake, Object meta) {
    if (closed) {
      return;
    }
    if (from == probe) {
      promote(from);
    }
    if (from != session) {
      return;
    }
    boolean first = !everOpened;
    everOpened = true;
    attempt = 0;
    if (from.type() == Transport.WEBSOCKET) {
      webSocketOpened = true;
    }
    Optional<Recovery> recovery = resume.handshake(meta, first);
    for (Outbox.Numbered again :
        resume.outbox().handshake(resume.granted(), resume.confirmed(meta))) {
      from.send(again.event(), again.cseq()); // unconfirmed: sent again before anything newer
    }
    sendWaiting(from);
    ClientState.Open open =
        new ClientState.Open(
            handshake.userId(),
            from.type(),
            Optional.ofNullable(handshake.data()),
            first,
            recovery);
    if (!(state instanceof ClientState.Open now && sameConnection(now, open))) {
      setState(open);
    }
    if (connecting != null) {
      callbacks.complete(connecting, open);
      connecting = null;
    }
    callbacks.events(List.of(Incoming.handshakeEvent(handshake, first)));
    recovery.ifPresent(r -> callbacks.events(List.of(Resume.event(r))));
    if (config.transport() == Transport.AUTO && from.type() == Transport.AJAX) {
      scheduleProbe();
    }
  }

  @Override
  public void onEvents(Session from, List<Event> events, Object meta) {
    if (closed || from != session) {
      return;
    }
    Resume.Push push = resume.push(events, meta);
    if (push.gap().isPresent()) {
      Recovery gap = push.gap().get();
      if (state instanceof ClientState.Open open) {
        setState(
            new ClientState.Open(
                open.userId(),
                open.transport(),
                open.handshakeData(),
                open.firstOpen(),
                Optional.of(gap)));
      }
      callbacks.events(List.of(Resume.event(gap)));
    }
    callbacks.events(push.events());
  }

  @Override
  public void onClosed(Session from, Session.CloseInfo info) {
    if (closed) {
      return;
    }
    if (from == probe) {
      probe = null;
      scheduleProbe();
      return;
    }
    if (from != session) {
      return;
    }
    session = null;
    dropProbe();
    requests.failAll(
        from,
        () ->
            new ConnectionClosedException(
                "The connection closed (" + info.reason() + ") before the reply came"));
    if (config.transport() == Transport.AUTO
        && from.type() == Transport.WEBSOCKET
        && !webSocketOpened
        && !downgraded) {
      downgraded = true;
      setState(new ClientState.Closed(CloseReason.DOWNGRADING, info.code(), info.detail(), true));
      startSession(Transport.AJAX, attempt);
      return;
    }
    ClientState.Closed candidate =
        new ClientState.Closed(info.reason(), info.code(), info.detail(), false);
    if (retries.stops(candidate)) {
      wanted = false;
      failWaiting("Stopped reconnecting after " + info.reason());
      setState(candidate);
      failConnecting("Stopped reconnecting after " + info.reason() + " " + info.detail());
      return;
    }
    setState(new ClientState.Closed(info.reason(), info.code(), info.detail(), true));
    scheduleRetry();
  }

  // ---- the machinery

  private boolean isOpen() {
    return !closed && session != null && state instanceof ClientState.Open;
  }

  private Transport preferred() {
    return switch (config.transport()) {
      case WEBSOCKET -> Transport.WEBSOCKET;
      case AJAX -> Transport.AJAX;
      case AUTO -> downgraded ? Transport.AJAX : Transport.WEBSOCKET;
    };
  }

  private void startSession(Transport transport, int attemptNumber) {
    reconnectTimer.cancel();
    Session next =
        transport == Transport.WEBSOCKET ? new WebSocketSession(ctx) : new AjaxSession(ctx);
    session = next;
    setState(new ClientState.Connecting(transport, attemptNumber));
    next.start();
  }

  private void scheduleRetry() {
    attempt++;
    int number = attempt;
    Duration delay = retries.delay(number);
    setState(new ClientState.ReconnectScheduled(number, delay, Instant.now().plus(delay)));
    reconnectTimer =
        ctx.schedule(
            delay.toMillis(),
            () -> {
              if (!closed && wanted && session == null) {
                startSession(preferred(), number);
              }
            });
  }

  /** AUTO on Ajax: try a WebSocket in the background now and then; move to it if it handshakes. */
  private void scheduleProbe() {
    long every = config.upgradeRetryInterval().toMillis();
    if (every <= 0 || probe != null || !(session instanceof AjaxSession)) {
      return;
    }
    probeTimer.cancel();
    probeTimer =
        ctx.schedule(
            every,
            () -> {
              if (!closed && probe == null && session instanceof AjaxSession && isOpen()) {
                probe = new WebSocketSession(ctx);
                probe.start();
              }
            });
  }

  private void promote(Session webSocket) {
    probe = null;
    probeTimer.cancel();
    Session old = session;
    session = webSocket;
    downgraded = false;
    if (old != null) {
      old.close(CloseReason.REQUESTED_RECONNECT); // its POSTs in flight still deliver replies
    }
  }

  private void dropProbe() {
    probeTimer.cancel();
    Session p = probe;
    probe = null;
    if (p != null) {
      p.close(CloseReason.REQUESTED_DISCONNECT);
    }
  }

  private void detach(CloseReason reason) {
    reconnectTimer.cancel();
    dropProbe();
    Session s = session;
    session = null;
    if (s != null) {
      s.close(reason);
      requests.failAll(
          s, () -> new ConnectionClosedException("The connection was closed (" + reason + ")"));
    }
  }

  /**
   * The session just opened: the kept sends and requests go out on it, in call order, the requests
   * with their time left.
   */
  private void sendWaiting(Session open) {
    List<Waiting> due = new ArrayList<>(waiting);
    waiting.clear();
    long now = ctx.scheduler().nowMillis();
    for (Waiting w : due) {
      w.timer.cancel();
      if (!w.isRequest()) {
        if (!sendNow(open, w.event)) {
          LOG.warn("A kept send of {} could not be sent: too many frames waiting", w.event.id());
        }
        continue;
      }
      Duration left = Duration.ofMillis(Math.max(0, w.deadline - now));
      open.request(w.event, left)
          .future
          .whenComplete(
              (reply, error) -> {
                if (error != null) {
                  w.future.completeExceptionally(error);
                } else {
                  w.future.complete(reply);
                }
              });
    }
  }

  /** Sends on an open session, numbered when resume numbers this client's events. */
  private boolean sendNow(Session open, Event event) {
    Outbox outbox = resume.outbox();
    long cseq = outbox.number(event);
    if (cseq < 0) {
      LOG.warn(
          "Refused a send of {}: {} sent events wait for the server to confirm them",
          event.id(),
          Outbox.MAX_UNCONFIRMED);
      return false;
    }
    if (open.send(event, cseq)) {
      return true;
    }
    outbox.unnumber(cseq);
    return false;
  }

  private void failWaiting(String why) {
    List<Waiting> failed = new ArrayList<>(waiting);
    waiting.clear();
    for (Waiting w : failed) {
      w.timer.cancel();
      if (!w.isRequest()) {
        continue;
      }
      callbacks.fail(
          w.future, new ConnectionClosedException(why + "; " + w.event.id() + " was not sent"));
    }
  }

  private void setState(ClientState next) {
    state = next;
    callbacks.state(next);
  }

  private void failConnecting(String why) {
    if (connecting != null) {
      callbacks.fail(connecting, new ConnectionClosedException(why));
      connecting = null;
    }
  }

  private static boolean sameConnection(ClientState.Open a, ClientState.Open b) {
    return a.userId().equals(b.userId())
        && a.transport() == b.transport()
        && a.handshakeData().equals(b.handshakeData())
        && b.recovery().isEmpty();
  }
}
