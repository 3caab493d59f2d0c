package dev.sente.server;

import dev.sente.core.Packer;
import dev.sente.core.Protocol;
import dev.sente.core.time.Scheduler;
import dev.sente.server.cluster.Cluster;
import dev.sente.server.internal.Engine;
import dev.sente.server.spi.SenteEndpoint;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * A Sente server: bidirectional, asynchronous messaging with browsers and other clients over
 * WebSockets, with Ajax long-polling as the fallback. Speaks Sente's wire protocol, so real Sente
 * clients connect too. It never sees a web server: an adapter ({@code sente-jetty}, ...) passes the
 * requests for one path to {@link #endpoint()}.
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder()
 *     .userId(request -> request.sessionAttribute("uid"))
 *     .build();
 * sente.on("chat/send", msg -> msg.reply(store.save(msg.data(ChatLine.class))));
 * sente.onConnectedUsersChange(change -> log.info("online: {}", change.after().any()));
 * sente.send("alice", "chat/line", line);   // every tab and device of alice, on any transport
 * sente.broadcast("chat/line", line);
 * SenteJetty.serve(sente, 8080);
 * }</pre>
 *
 * <p>Pushes go to a user id, never to one connection: each reaches every connection of that user.
 * They wait in a short batching window per transport and go out as one frame. All methods are
 * thread-safe, never block and never throw for runtime conditions (a user without connections, a
 * closed socket).
 */
public interface SenteServer extends AutoCloseable {

  /** The user id of every anonymous client; send to it to reach them all. */
  String ANONYMOUS_USER = Protocol.NIL_UID;

  /** A builder with the documented defaults. */
  static Builder builder() {
    return new Builder();
  }

  /** Registers the handler of one event id, replacing an earlier one; returns this server. */
  SenteServer on(String eventId, EventHandler handler);

  /**
   * Registers the catch-all: it gets every event that has no handler of its own id, the {@code
   * chsk/*} notifications included. Returns this server.
   */
  SenteServer onAny(EventHandler handler);

  /**
   * Listens for changes of the connected users; the listener runs off the I/O threads, one change
   * at a time, in order. Returns a handle that removes it.
   */
  AutoCloseable onConnectedUsersChange(Consumer<ConnectedUsersChange> listener);

  /**
   * Pushes an event to every connection of a user, after the batching window. Returns true when the
   * user had at least one client at the time of the send. The event id must not be in the reserved
   * {@code chsk} namespace.
   */
  boolean send(String userId, String eventId, Object data);

  /** Like {@link #send(String, String, Object)}; with {@code flush} the batch goes out now. */
  boolean send(String userId, String eventId, Object data, boolean flush);

  /** Pushes an event to every connected user, anonymous ones included. Returns how many users. */
  int broadcast(String eventId, Object data);

  /**
   * Closes every connection of a user (Sente's {@code [:chsk/close]}); its clients reconnect by
   * themselves, and get a fresh handshake with the user id resolved again (after a log-out, say).
   * WebSockets are closed with 1000; an Ajax client's held poll is answered and its next poll gets
   * the handshake. Returns how many sockets and held polls were closed. In a cluster every node
   * closes the user's connections; the count is this node's.
   */
  int disconnect(String userId);

  /** The connected users now. */
  ConnectedUsers connectedUsers();

  /**
   * What waits in the per-client queues now (outbound bytes per WebSocket, inbound events per
   * client). Walks every client under the server's lock: for monitoring and tests, not for every
   * request. The engine built by {@link #builder()} reports its queues; the default, for other
   * implementations such as test doubles, reports empty ones.
   */
  default Backlog backlog() {
    return new Backlog(0, 0, 0, 0);
  }

  /** The entry point for adapters. */
  SenteEndpoint endpoint();

  /** The configuration. */
  SenteConfig config();

  /** The built-in CSRF token source, when {@link Builder#csrf()} turned it on. */
  default Optional<CsrfTokens> csrfTokens() {
    return config().csrfTokens();
  }

  /** Closes every connection, cancels every timer, ends the threads it started. Idempotent. */
  @Override
  void close();

  /** Builds a {@link SenteServer}; every option has a documented default. */
  final class Builder {
    /** Default endpoint path. */
    public static final String DEFAULT_PATH = "/chsk";

    /** Default server keep-alive: an idle WebSocket is pinged after this (checked every half). */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(25);

    /** Default ping timeout: a pinged WebSocket silent this long is closed. */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(10);

    /** Default long-poll timeout, also the Ajax reply timeout; must stay under 60 s. */
    public static final Duration DEFAULT_LONG_POLL_TIMEOUT = Duration.ofSeconds(20);

    /** Default WebSocket batching window. */
    public static final Duration DEFAULT_WEBSOCKET_BATCH = Duration.ofMillis(30);

    /** Default Ajax batching window. */
    public static final Duration DEFAULT_AJAX_BATCH = Duration.ofMillis(100);

    /** Default reconnect grace for WebSocket clients. */
    public static final Duration DEFAULT_WEBSOCKET_GRACE = Duration.ofMillis(2500);

    /** Default reconnect grace for Ajax clients. */
    public static final Duration DEFAULT_AJAX_GRACE = Duration.ofMillis(5000);

    /** Default largest WebSocket message or POST body: 1 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    /** Default outbound frames queued per WebSocket before it is closed as a slow consumer. */
    public static final int DEFAULT_MAX_QUEUED_FRAMES = 1024;

    /**
     * Default outbound bytes per WebSocket (queued, or handed to the adapter and not yet written)
     * before it is closed as a slow consumer, and bytes of events kept per client without a
     * channel: 4 MiB, four messages of the default largest size.
     */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L << 20;

    /** Default events kept per client between polls or across a reconnect. */
    public static final int DEFAULT_MAX_PENDING_EVENTS = 1000;

    /** Default server origins: none, the server's origin comes from the request's Host header. */
    public static final Set<String> DEFAULT_SERVER_ORIGINS = Set.of();

    /**
     * Default long-polls held at once by one server. Each holds a connection (a file descriptor)
     * and some memory (about 8 KB of heap on Jetty) until it is answered or its client is found
     * gone; 10,000 leaves half of a 20,000 open-files limit to everything else and costs under 100
     * MB.
     */
    public static final int DEFAULT_MAX_HELD_POLLS = 10_000;

    /**
     * Default events from one client waiting for its handlers: 32. With the default largest message
     * (1 MiB), one client holds at most 32 MiB of received messages while its handlers are busy.
     */
    public static final int DEFAULT_MAX_INBOUND_EVENTS = 32;

    /** Default: the server grants the resume extension to a WebSocket client that asks for it. */
    public static final boolean DEFAULT_RESUME = true;

    /** Default age of the events kept for resume in each user's stream: 2 minutes. */
    public static final Duration DEFAULT_RESUME_MAX_AGE = Duration.ofMinutes(2);

    /** Default bytes of events kept for resume per user: 1 MiB. */
    public static final long DEFAULT_RESUME_MAX_USER_BYTES = 1L << 20;

    /** Default bytes of events kept for resume across all users of one server: 64 MiB. */
    public static final long DEFAULT_RESUME_MAX_TOTAL_BYTES = 64L << 20;

    /** The client's HTTP timeout for polls; the long-poll timeout must stay below it. */
    public static final Duration CLIENT_AJAX_TIMEOUT = Duration.ofSeconds(60);

    // read by SenteConfig's constructor, which copies them
    String path = DEFAULT_PATH;
    Packer packer;
    UserIdResolver userIdResolver = request -> Optional.empty();
    Function<SenteRequest, Object> handshakeData = request -> null;
    CsrfTokenSource csrf;
    CsrfTokens csrfTokens;
    OriginPolicy originPolicy = new OriginPolicy.SameOrigin();
    OriginPolicy.SameOrigin serverOrigins = new OriginPolicy.SameOrigin(DEFAULT_SERVER_ORIGINS);
    Function<SenteRequest, Optional<Rejection>> rejectWhen = request -> Optional.empty();
    Predicate<SenteRequest> authorize = request -> true;
    Duration keepAlive = DEFAULT_KEEP_ALIVE;
    Duration pingTimeout = DEFAULT_PING_TIMEOUT;
    Duration longPollTimeout = DEFAULT_LONG_POLL_TIMEOUT;
    Duration webSocketBatch = DEFAULT_WEBSOCKET_BATCH;
    Duration ajaxBatch = DEFAULT_AJAX_BATCH;
    Duration webSocketGrace = DEFAULT_WEBSOCKET_GRACE;
    Duration ajaxGrace = DEFAULT_AJAX_GRACE;
    long maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    int maxQueuedFrames = DEFAULT_MAX_QUEUED_FRAMES;
    long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    int maxPendingEvents = DEFAULT_MAX_PENDING_EVENTS;
    int maxHeldPolls = DEFAULT_MAX_HELD_POLLS;
    int maxInboundEvents = DEFAULT_MAX_INBOUND_EVENTS;
    boolean resume = DEFAULT_RESUME;
    Duration resumeMaxAge = DEFAULT_RESUME_MAX_AGE;
    long resumeMaxUserBytes = DEFAULT_RESUME_MAX_USER_BYTES;
    long resumeMaxTotalBytes = DEFAULT_RESUME_MAX_TOTAL_BYTES;
    Scheduler scheduler;
    Executor handlerExecutor;
    Cluster cluster;
    ErrorHandler errorHandler =
        (error, message) ->
            LoggerFactory.getLogger(SenteServer.class)
                .error(
                    "Handler failed{}",
                    message.map(m -> " on " + m.id() + " from client " + m.clientId()).orElse(""),
                    error);

    Builder() {}

    /** The endpoint path; default {@value #DEFAULT_PATH}. */
    public Builder path(String path) {
      Objects.requireNonNull(path, "path");
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with /: " + path);
      }
      this.path = path;
      return this;
    }

    /** The packer; default JSON ({@code JsonPacker}). */
    public Builder packer(Packer packer) {
      this.packer = Objects.requireNonNull(packer, "packer");
      return this;
    }

    /** Finds the user id of a request; default: every client is anonymous. */
    public Builder userId(UserIdResolver resolver) {
      this.userIdResolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Data appended to every handshake (third element); default none. */
    public Builder handshakeData(Function<SenteRequest, Object> handshakeData) {
      this.handshakeData = Objects.requireNonNull(handshakeData, "handshakeData");
      return this;
    }

    /** Turns the CSRF check on with the built-in token source, {@link CsrfTokens}. */
    public Builder csrf() {
      return csrf(CsrfTokens.create());
    }

    /** Turns the CSRF check on with the given token source; default off (origin check only). */
    public Builder csrf(CsrfTokenSource source) {
      this.csrf = Objects.requireNonNull(source, "source");
      this.csrfTokens = source instanceof CsrfTokens tokens ? tokens : null;
      return this;
    }

    /**
     * Only pages of these origins may connect, whatever the {@code Host} header says; default: the
     * server's own origin only ({@link #serverOrigins}). Each entry is {@code scheme://host[:port]}
     * ({@code https://app.example}, {@code http://localhost:3000}), compared without case, with the
     * default port the same as none; an entry with a path, user info or no scheme throws {@link
     * IllegalArgumentException}. Replaces an earlier {@link #allowAnyOrigin()}.
     */
    public Builder allowedOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins");
      this.originPolicy = new OriginPolicy.AllowList(new LinkedHashSet<>(Arrays.asList(origins)));
      return this;
    }

    /**
     * Any origin may connect, and requests without one; for APIs used by non-browser clients.
     * Replaces an earlier {@link #allowedOrigins}.
     */
    public Builder allowAnyOrigin() {
      this.originPolicy = new OriginPolicy.Any();
      return this;
    }

    /**
     * The origins under which browsers reach this server, such as {@code https://app.example}
     * ({@code http} or {@code https}, {@code scheme://host[:port]}); default {@link
     * #DEFAULT_SERVER_ORIGINS} (none: the server's origin is taken from the request's {@code Host}
     * header, as Sente does). When set, the same-origin default refuses (403 {@code Unauthorized
     * origin}) a request whose {@code Host} header is not one of them, and a page whose origin is
     * not one of them. This defeats DNS rebinding, which the default cannot: a page of {@code
     * http://evil.example:8080} whose name the attacker re-points at the server's address sends
     * {@code Host: evil.example:8080} with the matching {@code Origin}. Set it for any server that
     * a browser can reach under a name an attacker controls: anything on localhost or an intranet
     * without TLS and authentication.
     *
     * <p>A {@code Host} without a port matches an origin on its scheme's default port, so behind a
     * TLS-terminating proxy {@code Host: app.example} matches {@code https://app.example}. Only for
     * the same-origin default: combined with {@link #allowedOrigins} (which ignores {@code Host}
     * already) or {@link #allowAnyOrigin()}, {@link #config()} throws. No argument restores the
     * default.
     *
     * @throws IllegalArgumentException for an entry that is not an http or https origin
     */
    public Builder serverOrigins(String... origins) {
      Objects.requireNonNull(origins, "origins");
      this.serverOrigins = new OriginPolicy.SameOrigin(new LinkedHashSet<>(Arrays.asList(origins)));
      return this;
    }

    /** The custom reject hook, run before every other check; empty lets the request through. */
    public Builder rejectWhen(Function<SenteRequest, Optional<Rejection>> rejectWhen) {
      this.rejectWhen = Objects.requireNonNull(rejectWhen, "rejectWhen");
      return this;
    }

    /** The authorization hook, run after the CSRF and origin checks; false answers 401. */
    public Builder authorize(Predicate<SenteRequest> authorize) {
      this.authorize = Objects.requireNonNull(authorize, "authorize");
      return this;
    }

    /** Server keep-alive; default 25 s. */
    public Builder keepAlive(Duration keepAlive) {
      this.keepAlive = positive(keepAlive, "keepAlive");
      return this;
    }

    /** Ping timeout; default 10 s. */
    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = positive(pingTimeout, "pingTimeout");
      return this;
    }

    /** Long-poll and Ajax reply timeout; default 20 s; must be under 60 s. */
    public Builder longPollTimeout(Duration longPollTimeout) {
      this.longPollTimeout = positive(longPollTimeout, "longPollTimeout");
      return this;
    }

    /** Batching windows; defaults 30 ms (WebSocket) and 100 ms (Ajax). */
    public Builder batchWindows(Duration webSocket, Duration ajax) {
      this.webSocketBatch = positive(webSocket, "webSocket");
      this.ajaxBatch = positive(ajax, "ajax");
      return this;
    }

    /** Reconnect grace periods; defaults 2.5 s (WebSocket) and 5 s (Ajax). */
    public Builder reconnectGrace(Duration webSocket, Duration ajax) {
      this.webSocketGrace = positive(webSocket, "webSocket");
      this.ajaxGrace = positive(ajax, "ajax");
      return this;
    }

    /** The largest WebSocket message or POST body; default 1 MiB. */
    public Builder maxMessageBytes(long maxMessageBytes) {
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
      }
      this.maxMessageBytes = maxMessageBytes;
      return this;
    }

    /** Outbound frames queued per WebSocket before it is closed as slow; default 1024. */
    public Builder maxQueuedFrames(int maxQueuedFrames) {
      if (maxQueuedFrames < 1) {
        throw new IllegalArgumentException("maxQueuedFrames must be positive");
      }
      this.maxQueuedFrames = maxQueuedFrames;
      return this;
    }

    /**
     * Outbound bytes per WebSocket before it is closed as slow; default 4 MiB. Counts the frames
     * queued for the socket plus the one handed to the adapter and not yet written (text frames
     * count one byte per character: exact for ASCII, which packed JSON mostly is). When a frame
     * would take the count over this bound while an earlier frame is still being written, the
     * client is too slow: its socket is closed with 1008 and cut at once (a client that does not
     * read would never get the close frame), and its reconnect grace period starts at once. A frame
     * larger than the bound still goes out when nothing else is queued. Pushes are split into
     * frames of at most {@link #maxMessageBytes} (one event larger than that goes alone), so that a
     * bound of a few messages always holds whole frames. Works together with {@link
     * #maxQueuedFrames}: whichever is reached first closes the socket. The same bound applies to
     * the events kept for a client without a socket or poll (in its grace period, or between two
     * polls), by their packed size, next to {@link #maxPendingEvents}: the oldest are dropped
     * beyond either (the newest is always kept).
     */
    public Builder maxQueuedBytes(long maxQueuedBytes) {
      if (maxQueuedBytes < 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 1024");
      }
      this.maxQueuedBytes = maxQueuedBytes;
      return this;
    }

    /**
     * Events from one client that may wait for its handlers; default 32. A client's events run one
     * at a time, in order; while a handler is slow or blocked, later events wait, and this bounds
     * how many. On WebSocket the server then stops reading from that socket (the client gets TCP
     * backpressure and nothing is lost) and resumes once the handlers have taken half of the
     * waiting events. While reading is paused the client's own pings wait unread too, so a client
     * whose handlers stay blocked may time out its ping and reconnect; the server's keep- alive
     * does not count the pause against the client, but a socket paused for longer than the
     * keep-alive plus the ping timeout is closed with 1011 (its handlers are stuck). On Ajax, a
     * POST that finds the client's handlers full is answered 429 with a body naming this limit. The
     * server's own notifications ({@code chsk/uidport-open} ...) are never refused.
     */
    public Builder maxInboundEvents(int maxInboundEvents) {
      if (maxInboundEvents < 1) {
        throw new IllegalArgumentException("maxInboundEvents must be positive");
      }
      this.maxInboundEvents = maxInboundEvents;
      return this;
    }

    /** Events kept per client between polls or across a reconnect; default 1000. */
    public Builder maxPendingEvents(int maxPendingEvents) {
      if (maxPendingEvents < 1) {
        throw new IllegalArgumentException("maxPendingEvents must be positive");
      }
      this.maxPendingEvents = maxPendingEvents;
      return this;
    }

    /**
     * The most long-polls held at once; default {@value #DEFAULT_MAX_HELD_POLLS}. A poll beyond it
     * is answered at once with 503 and a short text (the client polls again after its back-off),
     * and refusals are logged at most once per 10 s, with their count. A client's new poll that
     * replaces its own held poll is never refused. Size it below the process's open-files limit,
     * leaving room for WebSockets and everything else the server has open.
     */
    public Builder maxHeldPolls(int maxHeldPolls) {
      if (maxHeldPolls < 1) {
        throw new IllegalArgumentException("maxHeldPolls must be positive: " + maxHeldPolls);
      }
      this.maxHeldPolls = maxHeldPolls;
      return this;
    }

    /** The clock and timers; default a daemon scheduler thread. Tests inject a manual one. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Where handlers run; default virtual threads (Java 21+) or a cached daemon pool. */
    public Builder handlerExecutor(Executor executor) {
      this.handlerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Whether the server grants the resume extension (docs/protocol.md, "Extensions / Resume") to a
     * WebSocket client that asks for it ({@code ext=resume}); default {@value #DEFAULT_RESUME}. A
     * granted client's pushes are numbered in its user's stream and, after a reconnect, the events
     * it missed are sent again, or it is told how many it lost. Clients that do not ask get the
     * plain protocol either way; Ajax clients are not granted resume yet. With {@code false} no
     * event is kept for resume.
     */
    public Builder resume(boolean resume) {
      this.resume = resume;
      return this;
    }

    /**
     * The resume window: how long an event pushed to a user is kept for a client that comes back
     * (default 2 minutes), and how many bytes of events are kept per user (default 1 MiB; the
     * oldest go first, the newest is always kept). A client away longer, or that missed more, is
     * told of the gap on its reconnect.
     */
    public Builder resumeWindow(Duration maxAge, long maxUserBytes) {
      this.resumeMaxAge = positive(maxAge, "maxAge");
      if (maxUserBytes <= 0) {
        throw new IllegalArgumentException("maxUserBytes must be above 0: " + maxUserBytes);
      }
      this.resumeMaxUserBytes = maxUserBytes;
      return this;
    }

    /**
     * Bytes of events kept for resume across all users of this server; default 64 MiB. Over it, the
     * oldest events of any user go first. Must be at least the per-user bound of {@link
     * #resumeWindow}.
     */
    public Builder resumeMaxTotalBytes(long maxTotalBytes) {
      if (maxTotalBytes <= 0) {
        throw new IllegalArgumentException("maxTotalBytes must be above 0: " + maxTotalBytes);
      }
      this.resumeMaxTotalBytes = maxTotalBytes;
      return this;
    }

    /**
     * Makes this server a node of a cluster: pushes reach the user's clients on every node, and a
     * client that reconnects to another node resumes there from the shared log (docs/cluster.md).
     * For example {@code .cluster(RedisCluster.create("redis://redis:6379"))} from {@code
     * sente-redis}, with the same URI and prefix on every node. Every node must use the same packer
     * and resume window. Default none: one node, which needs nothing more and pays nothing for it.
     * The server starts the cluster when it is built and closes it when it is closed; one cluster
     * object per server.
     */
    public Builder cluster(Cluster cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    /** Hears handler failures; default logs at ERROR. */
    public Builder onError(ErrorHandler errorHandler) {
      this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
      return this;
    }

    /** The configuration these options make; throws when options contradict each other. */
    public SenteConfig config() {
      if (longPollTimeout.compareTo(CLIENT_AJAX_TIMEOUT) >= 0) {
        throw new IllegalArgumentException(
            "longPollTimeout must be under the clients' 60 s Ajax timeout: " + longPollTimeout);
      }
      if (resumeMaxTotalBytes < resumeMaxUserBytes) {
        throw new IllegalArgumentException(
            "resumeMaxTotalBytes ("
                + resumeMaxTotalBytes
                + ") must be at least the per-user bytes of resumeWindow ("
                + resumeMaxUserBytes
                + ")");
      }
      OriginPolicy policy = originPolicy;
      if (!serverOrigins.serverOrigins().isEmpty()) {
        if (!(originPolicy instanceof OriginPolicy.SameOrigin)) {
          throw new IllegalArgumentException(
              "serverOrigins(..) is for the same-origin default; it cannot be combined with"
                  + (originPolicy instanceof OriginPolicy.Any
                      ? " allowAnyOrigin()"
                      : " allowedOrigins(..) (list the server's own origins there too)"));
        }
        policy = serverOrigins;
      }
      return new SenteConfig(this, policy);
    }

    /** Builds the server. */
    public SenteServer build() {
      return Engine.create(config());
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
