package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.SenteException;
import dev.sente.core.concurrent.HandlerExecutors;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Scheduler;
import dev.sente.server.Backlog;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.EventHandler;
import dev.sente.server.Rejection;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteRequest;
import dev.sente.server.SenteServer;
import dev.sente.server.Transport;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.SenteEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server engine: the public {@link SenteServer} and the adapters' {@link SenteEndpoint}.
 * WebSocket handling lives here; Ajax in {@link AjaxHandler}; client state in {@link Registry} (one
 * lock, {@code synchronized (registry)}, guards it and every {@link ClientEntry}); I/O to sockets
 * and polls happens outside that lock.
 *
 * <p>Reserved ids: the {@code chsk} namespace is the protocol's. A client may send the keep-alive
 * {@code chsk/ws-ping} and {@code chsk/ws-pong} (handlers get them without data); any other
 * reserved id from a client ({@code chsk/uidport-open}, {@code chsk/handshake} ...) would look like
 * the server's own notification, so it is delivered as {@code chsk/bad-event} carrying the event as
 * sent, and logged (a few lines a minute, see {@link LogLimiter}).
 */
public final class Engine implements SenteServer, SenteEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final SenteConfig config;
  private final Protocol protocol;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Executor executor;
  private final SecurityChecks security;
  final Registry registry = new Registry();
  private final Dispatcher dispatcher;
  private final PushBuffers buffers;
  private final Packed serverPing;
  private final AjaxHandler ajax;
  private final LogLimiter ajaxInputLog;
  private final List<Consumer<ConnectedUsersChange>> listeners = new CopyOnWriteArrayList<>();
  private final SerialExecutor listenerExecutor;
  private volatile boolean closed;

  private Engine(SenteConfig config) {
    this.config = config;
    this.protocol = Protocol.of(config.packer());
    this.ownsScheduler = config.scheduler().isEmpty();
    this.scheduler = config.scheduler().orElseGet(() -> Scheduler.system("sente-timers"));
    this.executor =
        config.handlerExecutor().orElseGet(() -> HandlerExecutors.newHandlerExecutor("sente"));
    this.security = new SecurityChecks(config, this::now);
    this.dispatcher = new Dispatcher(config.errorHandler(), this::now);
    this.serverPing = protocol.serverPing();
    this.buffers =
        new PushBuffers(
            scheduler, config.webSocketBatchMillis(), config.ajaxBatchMillis(), this::deliver);
    this.ajax = new AjaxHandler(this);
    this.ajaxInputLog = LogLimiter.perMinute(this::now);
    this.listenerExecutor =
        new SerialExecutor(
            executor, (task, error) -> LOG.error("Uncaught failure in a Sente task", error));
  }

  /** Creates the engine. */
  public static SenteServer create(SenteConfig config) {
    return new Engine(Objects.requireNonNull(config, "config"));
  }

  Protocol protocol() {
    return protocol;
  }

  SecurityChecks security() {
    return security;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The server's ping frame, packed once: it never changes. */
  Packed serverPing() {
    return serverPing;
  }

  long now() {
    return scheduler.nowMillis();
  }

  /** A client's handler queue, bounded by {@code maxInboundEvents}. */
  SerialExecutor serialExecutor() {
    return new SerialExecutor(
        executor,
        (task, error) -> LOG.error("Uncaught failure in a Sente task", error),
        config.maxInboundEvents());
  }

  // ---- SenteServer

  @Override
  public SenteServer on(String eventId, EventHandler handler) {
    Objects.requireNonNull(eventId, "eventId");
    dispatcher.on(eventId, Objects.requireNonNull(handler, "handler"));
    return this;
  }

  @Override
  public SenteServer onAny(EventHandler handler) {
    dispatcher.onAny(Objects.requireNonNull(handler, "handler"));
    return this;
  }

  @Override
  public AutoCloseable onConnectedUsersChange(Consumer<ConnectedUsersChange> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public boolean send(String userId, String eventId, Object data) {
    return send(userId, eventId, data, false);
  }

  @Override
  public boolean send(String userId, String eventId, Object data, boolean flush) {
    Objects.requireNonNull(userId, "userId");
    Event event = new Event(Objects.requireNonNull(eventId, "eventId"), data);
    if (event.isReserved()) {
      throw new SenteException(
          "Event ids in the chsk namespace are reserved for the protocol: "
              + eventId
              + (Protocol.CLOSE.equals(eventId) ? " (use disconnect(userId))" : ""));
    }
    if (closed) {
      return false;
    }
    boolean webSocket;
    boolean ajax;
    synchronized (registry) {
      webSocket = registry.hasClients(Transport.WEBSOCKET, userId);
      ajax = registry.hasClients(Transport.AJAX, userId);
    }
    if (webSocket) {
      buffers.add(Transport.WEBSOCKET, userId, event, flush);
    }
    if (ajax) {
      buffers.add(Transport.AJAX, userId, event, flush);
    }
    return webSocket || ajax;
  }

  @Override
  public int broadcast(String eventId, Object data) {
    int count = 0;
    for (String user : connectedUsers().any()) {
      if (send(user, eventId, data)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public int disconnect(String userId) {
    Objects.requireNonNull(userId, "userId");
    List<ClientEntry> ws;
    List<ClientEntry> polls;
    synchronized (registry) {
      ws = registry.clientsOf(Transport.WEBSOCKET, userId);
      polls = registry.clientsOf(Transport.AJAX, userId);
    }
    int count = 0;
    for (ClientEntry entry : ws) {
      WsConnection socket;
      synchronized (registry) {
        socket = entry.socket;
      }
      if (socket != null) {
        socket.close(1000, "Closed by server");
        count++;
      }
    }
    for (ClientEntry entry : polls) {
      if (ajax.closeClient(entry)) {
        count++;
      }
    }
    return count;
  }

  @Override
  public ConnectedUsers connectedUsers() {
    synchronized (registry) {
      return registry.connectedUsers();
    }
  }

  @Override
  public SenteEndpoint endpoint() {
    return this;
  }

  @Override
  public SenteConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    buffers.clear();
    List<ClientEntry> all;
    synchronized (registry) {
      all = registry.all();
      for (ClientEntry entry : all) {
        entry.cancelTimers();
      }
    }
    for (ClientEntry entry : all) {
      WsConnection socket;
      synchronized (registry) {
        socket = entry.socket;
      }
      if (socket != null) {
        socket.close(1001, "Server shutting down");
      }
      ajax.endPoll(entry);
    }
    reportSuppressed(ajaxInputLog, "lines about bad Ajax input");
    reportSuppressed(security.log(), "rejections");
    if (ownsScheduler) {
      scheduler.close();
    }
    if (config.handlerExecutor().isEmpty() && executor instanceof ExecutorService service) {
      service.shutdown();
    }
  }

  // ---- SenteEndpoint

  @Override
  public String path() {
    return config.path();
  }

  @Override
  public long maxMessageBytes() {
    return config.maxMessageBytes();
  }

  @Override
  public int heldPolls() {
    return ajax.heldPolls();
  }

  @Override
  public void handle(HttpExchange exchange) {
    try {
      if (closed) {
        reject(exchange, new Rejection(503, "Server is shutting down"));
      } else if ("GET".equals(exchange.method())) {
        handleGet(exchange);
      } else if ("POST".equals(exchange.method())) {
        ajax.handlePost(exchange);
      } else {
        reject(exchange, new Rejection(405, "Method not allowed: use GET or POST"));
      }
    } catch (RuntimeException e) {
      LOG.error("Failed to handle {} {}", safe(exchange.method()), safe(exchange.path()), e);
      try {
        reject(exchange, new Rejection(500, "Internal server error"));
      } catch (RuntimeException ignored) {
        // the exchange was already answered
      }
    }
  }

  private void handleGet(HttpExchange exchange) {
    Optional<String> clientId = exchange.clientId();
    if (clientId.isEmpty()) {
      reject(exchange, missingClientId());
      return;
    }
    Optional<Rejection> rejection = security.check(exchange);
    if (rejection.isPresent()) {
      reject(exchange, rejection.get());
      return;
    }
    String userId = resolveUser(exchange);
    if (exchange.isWebSocketUpgrade()) {
      exchange.upgrade(
          config.maxMessageBytes(),
          new WsConnection(
              this,
              userId,
              clientId.get(),
              exchange.detached(),
              config.maxQueuedFrames(),
              config.maxQueuedBytes()));
    } else {
      ajax.handleGet(exchange, userId, clientId.get());
    }
  }

  static Rejection missingClientId() {
    return new Rejection(
        400, "Missing client-id: every Sente request must carry the client's id (client-id)");
  }

  void reject(HttpExchange exchange, Rejection rejection) {
    exchange.respond(
        rejection.status(),
        "text/plain;charset=utf-8",
        rejection.body().getBytes(StandardCharsets.UTF_8));
  }

  String resolveUser(SenteRequest request) {
    return config
        .userIdResolver()
        .resolve(request)
        .map(String::valueOf)
        .filter(s -> !s.isBlank())
        .orElse(ANONYMOUS_USER);
  }

  Packed handshake(String userId, SenteRequest request) {
    Object data = null;
    try {
      data = config.handshakeData().apply(request);
    } catch (RuntimeException e) {
      config.errorHandler().onError(e, Optional.empty());
    }
    Optional<String> uid = ANONYMOUS_USER.equals(userId) ? Optional.empty() : Optional.of(userId);
    return protocol.handshake(uid, data);
  }

  // ---- WebSocket

  void webSocketOpened(WsConnection conn) {
    Packed handshake = handshake(conn.userId, conn.request);
    WsConnection replaced;
    ClientEntry entry;
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      before = snapshotIfListened();
      entry =
          registry.findOrCreate(
              Transport.WEBSOCKET,
              conn.userId,
              conn.clientId,
              () ->
                  new ClientEntry(
                      Transport.WEBSOCKET, conn.userId, conn.clientId, serialExecutor()));
      // Queued under the lock (sends never block), so that no push can overtake the handshake,
      // and the socket is registered before the client can see the handshake and act on it.
      conn.handlers = entry.handlers;
      conn.sendOpening(handshake);
      List<Event> pending = entry.takePending();
      if (!pending.isEmpty()) {
        for (PushFrames.Part part : pushFrames(pending, protocol.push(pending))) {
          conn.sendOpening(part.frame());
        }
      }
      replaced = entry.socket;
      entry.socket = conn;
      entry.request = conn.request;
      entry.grace.clear();
      change = registry.markConnected(entry);
      after = change == Registry.UserChange.NONE ? null : snapshotIfListened();
    }
    if (replaced != null && replaced != conn) {
      replaced.close(1000, "Replaced by a newer connection of the same client");
    }
    usersChanged(change, entry, before, after);
  }

  void webSocketMessage(WsConnection conn, Packed packed) {
    Protocol.Frame frame;
    try {
      frame = protocol.read(packed);
    } catch (PackException e) {
      conn.warnBadInput("Dropped a malformed frame", e.getMessage());
      return;
    }
    if (conn.handlers == null) {
      return; // not registered yet: cannot happen once the handshake went out
    }
    // the client's handler queue, no registry lock on the per-message path; a full queue pauses
    // reading from the socket (flow control) until it drains
    Executor handlers = conn.inbound;
    Object callback = frame.callback();
    Event event =
        clientEvent(
            frame.payload(),
            id -> conn.warnBadInput("Reserved event id (delivered as chsk/bad-event)", id));
    if (Protocol.WS_PING.equals(event.id())) {
      if (callback != null) {
        conn.send(protocol.pong(callback));
      }
      notify(handlers, event, conn, Transport.WEBSOCKET);
      return;
    }
    if (Protocol.WS_PONG.equals(event.id())) {
      notify(handlers, event, conn, Transport.WEBSOCKET);
      return;
    }
    Predicate<Object> reply =
        callback == null ? null : value -> conn.send(packReply(value, callback));
    dispatcher.dispatch(
        handlers,
        new Message(
            event,
            conn.userId,
            conn.clientId,
            conn.request,
            Transport.WEBSOCKET,
            protocol.packer(),
            reply));
  }

  void webSocketClosed(WsConnection conn) {
    synchronized (registry) {
      ClientEntry entry = registry.find(Transport.WEBSOCKET, conn.userId, conn.clientId);
      if (entry == null || entry.socket != conn) {
        return;
      }
      entry.socket = null;
      if (!closed) {
        armGrace(entry, config.webSocketGraceMillis());
      }
    }
  }

  /** Starts (or restarts) the entry's grace period; call holding the registry lock. */
  void armGrace(ClientEntry entry, long millis) {
    if (entry.graceTask == null) {
      entry.graceTask = () -> graceExpired(entry);
    }
    entry.grace.set(scheduler, millis, entry.graceTask);
  }

  private void graceExpired(ClientEntry entry) {
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      if (!entry.grace.fired(scheduler) || entry.socket != null || entry.poll != null) {
        return;
      }
      before = snapshotIfListened();
      change = registry.remove(entry);
      after = change == Registry.UserChange.NONE ? null : snapshotIfListened();
    }
    if (entry.droppedPending > 0) {
      LOG.debug("{} left with {} undelivered events dropped", entry, entry.droppedPending);
    }
    usersChanged(change, entry, before, after);
  }

  /**
   * The connected users, when anyone listens (null otherwise); call holding the registry lock, so
   * that a change's before and after snapshots are exact.
   */
  ConnectedUsers snapshotIfListened() {
    return listeners.isEmpty() ? null : registry.connectedUsers();
  }

  /** Emits uidport events and change notifications for a membership change. */
  void usersChanged(
      Registry.UserChange change, ClientEntry entry, ConnectedUsers before, ConnectedUsers after) {
    if (change == Registry.UserChange.NONE) {
      return;
    }
    if (change == Registry.UserChange.CONNECTED || change == Registry.UserChange.DISCONNECTED) {
      String id =
          change == Registry.UserChange.CONNECTED
              ? Protocol.USER_CONNECTED
              : Protocol.USER_DISCONNECTED;
      dispatcher.dispatch(
          entry.handlers,
          new Message(
              Event.of(id, entry.userId),
              entry.userId,
              entry.clientId,
              entry.request,
              entry.transport,
              protocol.packer(),
              null));
    }
    if (before != null && after != null && !listeners.isEmpty()) {
      ConnectedUsersChange event = new ConnectedUsersChange(before, after);
      for (Consumer<ConnectedUsersChange> listener : listeners) {
        listenerExecutor.execute(
            () -> {
              try {
                listener.accept(event);
              } catch (RuntimeException e) {
                config.errorHandler().onError(e, Optional.empty());
              }
            });
      }
    }
  }

  /** A keep-alive notification, dispatched only when a handler listens for it. */
  private void notify(Executor handlers, Event event, WsConnection conn, Transport transport) {
    if (!dispatcher.isHandled(event.id())) {
      return; // no thread hop for the ping-pong of every idle socket nobody listens to
    }
    dispatcher.dispatch(
        handlers,
        new Message(
            event, conn.userId, conn.clientId, conn.request, transport, protocol.packer(), null));
  }

  /**
   * The event the handlers get for a payload a client sent: its event; {@code chsk/bad-event} with
   * the payload when it is no event; the keep-alive {@code chsk/ws-ping} and {@code chsk/ws-pong}
   * without data; {@code chsk/bad-event} with the payload for any other reserved id, which is also
   * passed to {@code reserved} (to be logged).
   */
  Event clientEvent(Object payload, Consumer<String> reserved) {
    Optional<Event> read = protocol.readEvent(payload);
    if (read.isEmpty()) {
      return new Event(Protocol.BAD_EVENT, payload);
    }
    Event event = read.get();
    if (!event.isReserved()) {
      return event;
    }
    if (Protocol.WS_PING.equals(event.id()) || Protocol.WS_PONG.equals(event.id())) {
      return event.data() == null ? event : Event.of(event.id());
    }
    reserved.accept(event.id());
    return new Event(Protocol.BAD_EVENT, payload);
  }

  /**
   * Logs bad input from an Ajax client, a few lines a minute for all of them (a POST carries its
   * own client id, so a count per client would be the attacker's to grow).
   */
  void warnAjaxInput(String what, String clientId, String userId, Object detail) {
    long skipped = ajaxInputLog.acquire();
    if (skipped >= 0) {
      LOG.warn(
          "{} from Ajax client {} (user {}): {}{}",
          what,
          safe(clientId),
          safe(userId),
          safe(detail),
          LogLimiter.note(skipped));
    }
  }

  /** The bound on log lines about bad Ajax input, shared by all Ajax clients. */
  LogLimiter ajaxInputLog() {
    return ajaxInputLog;
  }

  private static void reportSuppressed(LogLimiter limiter, String what) {
    long count = limiter.drainSuppressed();
    if (count > 0) {
      LOG.warn("{} more {} were not logged", count, what);
    }
  }

  void dispatch(Executor handlers, Message message) {
    dispatcher.dispatch(handlers, message);
  }

  /** Queues the message's handler unless the client's handler queue is full; false then. */
  boolean offer(SerialExecutor handlers, Message message) {
    return dispatcher.offer(handlers, message);
  }

  Packed packReply(Object value, Object callback) {
    if (value instanceof Message.KeywordReply keyword) {
      return protocol.keywordReply(keyword.name(), callback);
    }
    return protocol.reply(value, callback);
  }

  // ---- pushes

  private void deliver(Transport transport, String userId, List<Event> events) {
    Packed packed;
    try {
      packed = protocol.push(events);
    } catch (PackException e) {
      config.errorHandler().onError(e, Optional.empty());
      return;
    }
    if (transport == Transport.AJAX) {
      ajax.deliver(userId, events, packed);
      return;
    }
    // one lock for all of the user's sockets; the writes happen after it is released
    List<ClientEntry> entries = new ArrayList<>(2);
    List<WsConnection> sockets = new ArrayList<>(2);
    synchronized (registry) {
      for (ClientEntry entry : registry.clientsView(Transport.WEBSOCKET, userId)) {
        if (entry.socket == null) {
          keepPending(entry, events, WsConnection.weight(packed)); // in its grace: next socket
        } else {
          entries.add(entry);
          sockets.add(entry.socket);
        }
      }
    }
    if (sockets.isEmpty()) {
      return;
    }
    if (events.size() < 2 || WsConnection.weight(packed) <= config.maxMessageBytes()) {
      for (int i = 0; i < sockets.size(); i++) { // one frame: the usual case
        if (!sockets.get(i).send(packed)) {
          synchronized (registry) {
            keepPending(entries.get(i), events, WsConnection.weight(packed));
          }
        }
      }
      return;
    }
    List<PushFrames.Part> parts = pushFrames(events, packed);
    for (int i = 0; i < sockets.size(); i++) {
      WsConnection socket = sockets.get(i);
      for (int p = 0; p < parts.size(); p++) {
        if (!socket.send(parts.get(p).frame())) {
          List<Event> unsent = new ArrayList<>();
          long unsentBytes = 0;
          for (int q = p; q < parts.size(); q++) {
            unsent.addAll(parts.get(q).events());
            unsentBytes += WsConnection.weight(parts.get(q).frame());
          }
          synchronized (registry) {
            keepPending(entries.get(i), unsent, unsentBytes);
          }
          break;
        }
      }
    }
  }

  /** A batch as WebSocket frames of at most {@code maxMessageBytes} each. */
  private List<PushFrames.Part> pushFrames(List<Event> events, Packed whole) {
    return PushFrames.split(protocol, events, whole, config.maxMessageBytes());
  }

  /**
   * What waits in the per-client queues now; walks every client under the registry lock, so it is
   * meant for monitoring and tests, not for every request.
   */
  @Override
  public Backlog backlog() {
    long bytes = 0;
    long largestBytes = 0;
    int events = 0;
    int largestEvents = 0;
    synchronized (registry) {
      for (ClientEntry entry : registry.all()) {
        long queued = entry.pendingBytes();
        if (entry.socket != null) {
          queued += entry.socket.queuedBytes();
        }
        bytes += queued;
        largestBytes = Math.max(largestBytes, queued);
        int waiting = entry.handlers.queued();
        events += waiting;
        largestEvents = Math.max(largestEvents, waiting);
      }
    }
    return new Backlog(bytes, largestBytes, events, largestEvents);
  }

  /**
   * Keeps events for a client without a channel, bounded by {@code maxPendingEvents} and {@code
   * maxQueuedBytes} ({@code packedBytes} is the size of the batch they were packed in); call
   * holding the registry lock.
   */
  void keepPending(ClientEntry entry, List<Event> events, long packedBytes) {
    int dropped =
        entry.addPending(events, packedBytes, config.maxPendingEvents(), config.maxQueuedBytes());
    if (dropped > 0 && entry.droppedPending == dropped) {
      LOG.warn(
          "{} has more than {} undelivered events or {} bytes of them; dropping the oldest",
          entry,
          config.maxPendingEvents(),
          config.maxQueuedBytes());
    }
  }

  boolean isClosed() {
    return closed;
  }
}
