package dev.sente.server;

import dev.sente.core.Packer;
import dev.sente.core.time.Scheduler;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The immutable configuration of a {@link SenteServer}, built by {@link SenteServer.Builder}. Times
 * are in milliseconds; every default is a named constant of {@link SenteServer.Builder}.
 *
 * @param path the endpoint path
 * @param packer the packer for every frame and body
 * @param userIdResolver finds the user id of a request
 * @param handshakeData data appended to the handshake, null for none
 * @param csrf the CSRF token source, empty when the check is off
 * @param csrfTokens the built-in token source, when it is the one in use
 * @param originPolicy which origins may connect; {@link OriginPolicy.SameOrigin} also holds the
 *     server's own origins ({@code serverOrigins}), empty to trust the Host header
 * @param rejectWhen the custom reject hook, run first
 * @param authorize the authorization hook, run last
 * @param keepAliveMillis idle time after which the server pings a WebSocket (checked every half)
 * @param pingTimeoutMillis how long the server waits for any sign of life after its ping
 * @param longPollTimeoutMillis how long a poll is held, and how long an Ajax POST waits for a reply
 * @param webSocketBatchMillis the batching window for WebSocket pushes
 * @param ajaxBatchMillis the batching window for Ajax pushes
 * @param webSocketGraceMillis how long a closed WebSocket's client stays connected
 * @param ajaxGraceMillis how long an Ajax client stays connected between polls
 * @param maxMessageBytes the largest WebSocket message or POST body accepted
 * @param maxQueuedFrames the outbound frames queued per WebSocket before it is closed as slow
 * @param maxQueuedBytes the outbound bytes per WebSocket (queued or being written) before it is
 *     closed as slow, and the bytes of events kept per client without a channel; pushes are split
 *     into frames of at most {@code maxMessageBytes}
 * @param maxPendingEvents the events kept per client between two polls or across a reconnect
 * @param maxHeldPolls the most long-polls held at once; one more is answered 503
 * @param maxInboundEvents the events from one client that may wait for its handlers; beyond it the
 *     server stops reading that WebSocket, or answers that Ajax POST 429
 * @param scheduler the clock and timers, empty for the built-in one
 * @param handlerExecutor where handlers run, empty for the built-in (virtual threads)
 * @param errorHandler hears handler and listener failures
 */
public record SenteConfig(
    String path,
    Packer packer,
    UserIdResolver userIdResolver,
    Function<SenteRequest, Object> handshakeData,
    Optional<CsrfTokenSource> csrf,
    Optional<CsrfTokens> csrfTokens,
    OriginPolicy originPolicy,
    Function<SenteRequest, Optional<Rejection>> rejectWhen,
    Predicate<SenteRequest> authorize,
    long keepAliveMillis,
    long pingTimeoutMillis,
    long longPollTimeoutMillis,
    long webSocketBatchMillis,
    long ajaxBatchMillis,
    long webSocketGraceMillis,
    long ajaxGraceMillis,
    long maxMessageBytes,
    int maxQueuedFrames,
    long maxQueuedBytes,
    int maxPendingEvents,
    int maxHeldPolls,
    int maxInboundEvents,
    Optional<Scheduler> scheduler,
    Optional<Executor> handlerExecutor,
    ErrorHandler errorHandler) {}
