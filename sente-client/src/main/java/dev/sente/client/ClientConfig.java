package dev.sente.client;

import dev.sente.core.Packer;
import dev.sente.core.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The immutable configuration of a {@link SenteClient}, made by {@link SenteClientBuilder}; every
 * default is a named constant there.
 *
 * <pre>{@code
 * ClientConfig config = SenteClient.builder("http://localhost:8080/chsk").config();
 * config.keepAlive();   // PT20S
 * }</pre>
 *
 * @param endpoint the Ajax endpoint, {@code http(s)://host:port/path}; the WebSocket URL is derived
 * @param transport the transport mode
 * @param packer the packer for every frame and body
 * @param clientId the client id sent with every request
 * @param csrfToken read on every connection and request; empty for no token
 * @param headers extra headers on the WebSocket upgrade and on every Ajax request
 * @param cookies cookies sent as one {@code Cookie} header
 * @param origin the {@code Origin} header, empty to send none
 * @param params user query parameters on the WebSocket URL and Ajax GETs
 * @param keepAlive idle time after which the client pings a WebSocket (checked every half)
 * @param pingTimeout how long the client waits for the answer to its ping
 * @param connectTimeout how long a connection may take from the first packet to the handshake
 * @param upgradeRetryInterval in {@code AUTO} mode on Ajax, how often a WebSocket is tried again;
 *     zero for never
 * @param backoff the delay before each retry
 * @param stopReconnecting true for a closed state after which the client stops retrying
 * @param callbackExecutor where handlers, listeners and future completions run; empty for the
 *     client's own
 * @param scheduler the clock and timers; empty for the client's own
 * @param httpClient the HTTP client for every connection; empty for the client's own
 * @param maxMessageBytes the largest message or response body the client reads
 * @param maxQueuedFrames the most frames waiting to be written, or Ajax POSTs in flight
 * @param errorHandler hears exceptions thrown by handlers and listeners
 * @param resume true to ask the server for the resume extension ({@code ext=resume})
 */
public record ClientConfig(
    URI endpoint,
    Transport transport,
    Packer packer,
    String clientId,
    Supplier<Optional<String>> csrfToken,
    Map<String, String> headers,
    Map<String, String> cookies,
    Optional<String> origin,
    Map<String, String> params,
    Duration keepAlive,
    Duration pingTimeout,
    Duration connectTimeout,
    Duration upgradeRetryInterval,
    Backoff backoff,
    Predicate<ClientState.Closed> stopReconnecting,
    Optional<Executor> callbackExecutor,
    Optional<Scheduler> scheduler,
    Optional<HttpClient> httpClient,
    int maxMessageBytes,
    int maxQueuedFrames,
    Consumer<Throwable> errorHandler,
    boolean resume) {}
