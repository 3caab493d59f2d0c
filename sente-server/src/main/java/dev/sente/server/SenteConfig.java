package dev.sente.server;

import dev.sente.core.Packer;
import dev.sente.core.json.JsonPacker;
import dev.sente.core.time.Scheduler;
import dev.sente.server.cluster.Cluster;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The immutable configuration of a {@link SenteServer}, made only by {@link
 * SenteServer.Builder#config()} (and so by {@link SenteServer.Builder#build()}). Times are in
 * milliseconds; every default is a named constant of {@link SenteServer.Builder}.
 *
 * <p>It is a class rather than a record so that options can be added without breaking anyone: an
 * option is a field of the builder, one line here that copies it, and its accessor. Two
 * configurations are equal only when they are the same object; {@link #toString()} lists the
 * options (hooks and packers by their class).
 */
public final class SenteConfig {
  private final String path;
  private final Packer packer;
  private final UserIdResolver userIdResolver;
  private final Function<SenteRequest, Object> handshakeData;
  private final Optional<CsrfTokenSource> csrf;
  private final Optional<CsrfTokens> csrfTokens;
  private final OriginPolicy originPolicy;
  private final Function<SenteRequest, Optional<Rejection>> rejectWhen;
  private final Predicate<SenteRequest> authorize;
  private final long keepAliveMillis;
  private final long pingTimeoutMillis;
  private final long longPollTimeoutMillis;
  private final long webSocketBatchMillis;
  private final long ajaxBatchMillis;
  private final long webSocketGraceMillis;
  private final long ajaxGraceMillis;
  private final long maxMessageBytes;
  private final int maxQueuedFrames;
  private final long maxQueuedBytes;
  private final int maxPendingEvents;
  private final int maxHeldPolls;
  private final int maxInboundEvents;
  private final boolean resume;
  private final long resumeMaxAgeMillis;
  private final long resumeMaxUserBytes;
  private final long resumeMaxTotalBytes;
  private final Optional<Scheduler> scheduler;
  private final Optional<Executor> handlerExecutor;
  private final ErrorHandler errorHandler;
  private final Optional<Cluster> cluster;

  /** Copies the builder's options; the builder has checked them, {@code originPolicy} included. */
  SenteConfig(SenteServer.Builder b, OriginPolicy originPolicy) {
    this.path = b.path;
    this.packer = b.packer != null ? b.packer : JsonPacker.create();
    this.userIdResolver = b.userIdResolver;
    this.handshakeData = b.handshakeData;
    this.csrf = Optional.ofNullable(b.csrf);
    this.csrfTokens = Optional.ofNullable(b.csrfTokens);
    this.originPolicy = originPolicy;
    this.rejectWhen = b.rejectWhen;
    this.authorize = b.authorize;
    this.keepAliveMillis = b.keepAlive.toMillis();
    this.pingTimeoutMillis = b.pingTimeout.toMillis();
    this.longPollTimeoutMillis = b.longPollTimeout.toMillis();
    this.webSocketBatchMillis = b.webSocketBatch.toMillis();
    this.ajaxBatchMillis = b.ajaxBatch.toMillis();
    this.webSocketGraceMillis = b.webSocketGrace.toMillis();
    this.ajaxGraceMillis = b.ajaxGrace.toMillis();
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxQueuedFrames = b.maxQueuedFrames;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.maxPendingEvents = b.maxPendingEvents;
    this.maxHeldPolls = b.maxHeldPolls;
    this.maxInboundEvents = b.maxInboundEvents;
    this.resume = b.resume;
    this.resumeMaxAgeMillis = b.resumeMaxAge.toMillis();
    this.resumeMaxUserBytes = b.resumeMaxUserBytes;
    this.resumeMaxTotalBytes = b.resumeMaxTotalBytes;
    this.scheduler = Optional.ofNullable(b.scheduler);
    this.handlerExecutor = Optional.ofNullable(b.handlerExecutor);
    this.errorHandler = b.errorHandler;
    this.cluster = Optional.ofNullable(b.cluster);
  }

  /** The endpoint path. */
  public String path() {
    return path;
  }

  /** The packer for every frame and body. */
  public Packer packer() {
    return packer;
  }

  /** Finds the user id of a request. */
  public UserIdResolver userIdResolver() {
    return userIdResolver;
  }

  /** Data appended to the handshake; the function may return null for none. */
  public Function<SenteRequest, Object> handshakeData() {
    return handshakeData;
  }

  /** The CSRF token source, empty when the check is off. */
  public Optional<CsrfTokenSource> csrf() {
    return csrf;
  }

  /** The built-in token source, when it is the one in use. */
  public Optional<CsrfTokens> csrfTokens() {
    return csrfTokens;
  }

  /**
   * Which origins may connect; {@link OriginPolicy.SameOrigin} also holds the server's own origins
   * ({@code serverOrigins}), empty to trust the Host header.
   */
  public OriginPolicy originPolicy() {
    return originPolicy;
  }

  /** The custom reject hook, run first. */
  public Function<SenteRequest, Optional<Rejection>> rejectWhen() {
    return rejectWhen;
  }

  /** The authorization hook, run last. */
  public Predicate<SenteRequest> authorize() {
    return authorize;
  }

  /** Idle time after which the server pings a WebSocket (checked every half). */
  public long keepAliveMillis() {
    return keepAliveMillis;
  }

  /** How long the server waits for any sign of life after its ping. */
  public long pingTimeoutMillis() {
    return pingTimeoutMillis;
  }

  /** How long a poll is held, and how long an Ajax POST waits for a reply. */
  public long longPollTimeoutMillis() {
    return longPollTimeoutMillis;
  }

  /** The batching window for WebSocket pushes. */
  public long webSocketBatchMillis() {
    return webSocketBatchMillis;
  }

  /** The batching window for Ajax pushes. */
  public long ajaxBatchMillis() {
    return ajaxBatchMillis;
  }

  /** Whether the server grants the resume extension to WebSocket clients that ask for it. */
  public boolean resume() {
    return resume;
  }

  /** How long an event is kept for resume. */
  public long resumeMaxAgeMillis() {
    return resumeMaxAgeMillis;
  }

  /** Bytes of events kept for resume per user. */
  public long resumeMaxUserBytes() {
    return resumeMaxUserBytes;
  }

  /** Bytes of events kept for resume across all users. */
  public long resumeMaxTotalBytes() {
    return resumeMaxTotalBytes;
  }

  /** How long a closed WebSocket's client stays connected. */
  public long webSocketGraceMillis() {
    return webSocketGraceMillis;
  }

  /** How long an Ajax client stays connected between polls. */
  public long ajaxGraceMillis() {
    return ajaxGraceMillis;
  }

  /** The largest WebSocket message or POST body accepted. */
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The outbound frames queued per WebSocket before it is closed as slow. */
  public int maxQueuedFrames() {
    return maxQueuedFrames;
  }

  /**
   * The outbound bytes per WebSocket (queued or being written) before it is closed as slow, and the
   * bytes of events kept per client without a channel; pushes are split into frames of at most
   * {@link #maxMessageBytes()}.
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** The events kept per client between two polls or across a reconnect. */
  public int maxPendingEvents() {
    return maxPendingEvents;
  }

  /** The most long-polls held at once; one more is answered 503. */
  public int maxHeldPolls() {
    return maxHeldPolls;
  }

  /**
   * The events from one client that may wait for its handlers; beyond it the server stops reading
   * that WebSocket, or answers that Ajax POST 429.
   */
  public int maxInboundEvents() {
    return maxInboundEvents;
  }

  /** The clock and timers, empty for the built-in one. */
  public Optional<Scheduler> scheduler() {
    return scheduler;
  }

  /** Where handlers run, empty for the built-in (virtual threads). */
  public Optional<Executor> handlerExecutor() {
    return handlerExecutor;
  }

  /** Hears handler and listener failures. */
  public ErrorHandler errorHandler() {
    return errorHandler;
  }

  /** The cluster this server is a node of; empty for a single node. */
  public Optional<Cluster> cluster() {
    return cluster;
  }

  @Override
  public String toString() {
    return "SenteConfig[path="
        + path
        + ", packer="
        + packer.getClass().getSimpleName()
        + ", csrf="
        + csrf.isPresent()
        + ", originPolicy="
        + originPolicy
        + ", keepAliveMillis="
        + keepAliveMillis
        + ", pingTimeoutMillis="
        + pingTimeoutMillis
        + ", longPollTimeoutMillis="
        + longPollTimeoutMillis
        + ", webSocketBatchMillis="
        + webSocketBatchMillis
        + ", ajaxBatchMillis="
        + ajaxBatchMillis
        + ", webSocketGraceMillis="
        + webSocketGraceMillis
        + ", ajaxGraceMillis="
        + ajaxGraceMillis
        + ", resume="
        + resume
        + ", resumeMaxAgeMillis="
        + resumeMaxAgeMillis
        + ", resumeMaxUserBytes="
        + resumeMaxUserBytes
        + ", resumeMaxTotalBytes="
        + resumeMaxTotalBytes
        + ", maxMessageBytes="
        + maxMessageBytes
        + ", maxQueuedFrames="
        + maxQueuedFrames
        + ", maxQueuedBytes="
        + maxQueuedBytes
        + ", maxPendingEvents="
        + maxPendingEvents
        + ", maxHeldPolls="
        + maxHeldPolls
        + ", maxInboundEvents="
        + maxInboundEvents
        + ", scheduler="
        + (scheduler.isPresent() ? "custom" : "built-in")
        + ", handlerExecutor="
        + (handlerExecutor.isPresent() ? "custom" : "built-in")
        + ", cluster="
        + cluster.map(Object::toString).orElse("none")
        + "]";
  }
}
