package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
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
import dev.sente.server.cluster.Cluster;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.SenteEndpoint;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server engine: the public {@link SenteServer} and the adapters' {@link SenteEndpoint}, and
 * the wiring of its parts. The two transports, {@link WebSocketTransport} and {@link
 * AjaxTransport}, drain their clients' cursors into the {@link DeliveryLog}, which the batching
 * windows ({@link PushBuffers}) fill through {@link LogFeed}; client state is in {@link Registry}
 * (one lock, {@code synchronized (registry)}, guards it and every {@link ClientEntry}), connections
 * and grace periods in {@link Presence}. No adapter call (send, close, complete, respond) is made
 * holding that lock. Events from clients go through {@link ClientInput}.
 */
public final class Engine implements SenteServer, SenteEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final SenteConfig config;
  private final Protocol protocol;
  private final Scheduler scheduler;
  private final boolean ownsScheduler;
  private final Executor executor;
  private final SecurityChecks security;
  final Registry registry;
  private final Dispatcher dispatcher;
  private final PushBuffers buffers;
  private final Packed serverPing;
  private final Presence presence;
  private final ClientInput input;
  private final Requests requests;
  private final WebSocketTransport webSocket;
  private final AjaxTransport ajax;
  private final DeliveryLog log;
  private final ClientSequences sequences;
  private final LogFeed feed;
  private final ClusterFeed cluster; // null for a single node
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
    this.input = new ClientInput(protocol, dispatcher);
    Cluster shared = config.cluster().orElse(null);
    this.registry =
        new Registry(shared == null ? null : (user, t, joined) -> member(shared, user, t, joined));
    this.presence =
        new Presence(registry, config, scheduler, dispatcher, protocol, executor, shared);
    this.log =
        new DeliveryLog(
            scheduler::nowMillis,
            config.resumeMaxAgeMillis(),
            config.resumeMaxUserBytes(),
            config.resumeMaxTotalBytes(),
            config.maxPendingEvents());
    this.cluster =
        config
            .cluster()
            .map(
                c ->
                    new ClusterFeed(
                        c,
                        log,
                        protocol,
                        config.maxMessageBytes(),
                        config.resumeMaxUserBytes(),
                        this::disconnectHere,
                        presence::clusterChanged,
                        scheduler))
            .orElse(null);
    this.feed = new LogFeed(protocol, config, log, cluster, scheduler, this::isClosed);
    this.buffers = new PushBuffers(scheduler, feed::deliver);
    this.sequences =
        new ClientSequences(
            this::now,
            scheduler,
            config.resumeMaxAgeMillis(),
            config.maxInboundEvents(),
            ClientSequences.MAX_CLIENTS);
    this.webSocket = new WebSocketTransport(this, registry, presence);
    this.ajax = new AjaxTransport(this, registry, presence);
    this.requests = new Requests(this, webSocket, ajax);
  }

  /** Tells the cluster of a membership change; under the registry's lock, never throws. */
  private static void member(Cluster cluster, String user, Transport transport, boolean joined) {
    try {
      if (joined) {
        cluster.join(user, transport);
      } else {
        cluster.leave(user, transport);
      }
    } catch (RuntimeException e) {
      LOG.warn("The cluster refused a {} of a user", joined ? "join" : "leave", e);
    }
  }

  /** Creates the engine; joins its cluster, when it has one. */
  public static SenteServer create(SenteConfig config) {
    Engine engine = new Engine(Objects.requireNonNull(config, "config"));
    if (engine.cluster != null) {
      try {
        config
            .cluster()
            .get()
            .start(
                new Cluster.Settings(
                    config.resumeMaxAgeMillis(),
                    config.resumeMaxUserBytes(),
                    config.maxMessageBytes()),
                engine.cluster);
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
    }
    return engine;
  }

  /**
   * In a cluster, before a client's cursor opens: brings the user's stream here to the shared log
   * at the client's position (the request's {@code epoch} and {@code seq} when {@code resumes}) and
   * returns a cursor that holds it until the client's cursor is open: close it then. Null for a
   * single node. May wait for the shared log (see {@link ClusterFeed#pin}): never call it holding
   * the registry lock.
   */
  Cursor pinShared(String user, SenteRequest request, boolean resumes) {
    if (cluster == null) {
      return null;
    }
    String epoch = resumes ? request.queryParam("epoch").orElse(null) : null;
    long seq = epoch == null ? 0 : DeliveryLog.parseSeq(request.queryParam("seq").orElse(null));
    return cluster.pin(user, epoch, seq, resumes);
  }

  /**
   * In a cluster, claims a client's numbered event for the cluster (true the first time); null on a
   * single node, where {@link ClientSequences} numbers them.
   */
  java.util.concurrent.CompletableFuture<Boolean> claim(
      String user, String client, String epoch, long seq) {
    if (cluster == null) {
      return null;
    }
    return ClusterFeed.call(() -> config.cluster().get().claim(user, client, epoch, seq));
  }

  /** Whether this server is a node of a cluster. */
  boolean clustered() {
    return cluster != null;
  }

  /** Starts the delivery log's sweep timer unless it runs: called when a resume cursor opens. */
  void ensureLogSweeps() {
    feed.ensureSweeps();
  }

  Protocol protocol() {
    return protocol;
  }

  /**
   * The numbered delivery log: every push goes through it to every client (the resume extension
   * only decides whether a client is told the numbers and kept its place across reconnects).
   */
  DeliveryLog log() {
    return log;
  }

  /** What the transports do with an event from a client. */
  ClientInput input() {
    return input;
  }

  /** The HTTP side both transports share: user ids, handshakes, rejections. */
  Requests requests() {
    return requests;
  }

  SecurityChecks security() {
    return security;
  }

  /** The numbering of the events that resume clients send. */
  ClientSequences sequences() {
    return sequences;
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
    return presence.listen(Objects.requireNonNull(listener, "listener"));
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
    boolean any;
    synchronized (registry) {
      webSocket = registry.hasClients(Transport.WEBSOCKET, userId);
      any = webSocket || registry.hasClients(Transport.AJAX, userId);
    }
    boolean anywhere = any || (cluster != null && connectedUsers().any().contains(userId));
    // a user whose stream is in the delivery log gets the event numbered in it even with no
    // client now: a resume client that comes back within the window is given it; in a cluster,
    // every push goes to the shared log (the user's clients may be on other nodes)
    if (any || cluster != null || log.hasStream(userId)) {
      long window = webSocket || !any ? config.webSocketBatchMillis() : config.ajaxBatchMillis();
      buffers.add(userId, event, flush, window);
    }
    return anywhere;
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

  /** In a cluster, the other nodes close the user's connections too; returns those closed here. */
  @Override
  public int disconnect(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (cluster != null) {
      cluster.disconnectElsewhere(userId);
    }
    return disconnectHere(userId);
  }

  private int disconnectHere(String userId) {
    return webSocket.disconnect(userId) + ajax.disconnect(userId);
  }

  @Override
  public ConnectedUsers connectedUsers() {
    if (cluster != null) {
      return config.cluster().get().connectedUsers();
    }
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
      webSocket.close(entry, 1001, "Server shutting down");
      ajax.endPoll(entry);
    }
    reportSuppressed(ajax.inputLog(), "lines about bad Ajax input");
    reportSuppressed(security.log(), "rejections");
    if (cluster != null) {
      try {
        config.cluster().get().close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the cluster failed", e);
      }
    }
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
        Requests.reject(exchange, new Rejection(503, "Server is shutting down"));
      } else if ("GET".equals(exchange.method())) {
        requests.handleGet(exchange);
      } else if ("POST".equals(exchange.method())) {
        ajax.handlePost(exchange);
      } else {
        Requests.reject(exchange, new Rejection(405, "Method not allowed: use GET or POST"));
      }
    } catch (RuntimeException e) {
      LOG.error("Failed to handle {} {}", safe(exchange.method()), safe(exchange.path()), e);
      try {
        Requests.reject(exchange, new Rejection(500, "Internal server error"));
      } catch (RuntimeException ignored) {
        // the exchange was already answered
      }
    }
  }

  private static void reportSuppressed(LogLimiter limiter, String what) {
    long count = limiter.drainSuppressed();
    if (count > 0) {
      LOG.warn("{} more {} were not logged", count, what);
    }
  }

  /**
   * What waits for each client now (in its socket's queue and after its cursor); walks every client
   * under the registry lock, so it is meant for monitoring and tests, not for every request.
   */
  @Override
  public Backlog backlog() {
    long bytes = 0;
    long largestBytes = 0;
    int events = 0;
    int largestEvents = 0;
    synchronized (registry) {
      for (ClientEntry entry : registry.all()) {
        long queued = entry.cursor == null ? 0 : entry.cursor.unreadBytes();
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

  boolean isClosed() {
    return closed;
  }
}
