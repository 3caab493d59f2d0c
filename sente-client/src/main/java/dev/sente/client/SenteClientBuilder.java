package dev.sente.client;

import dev.sente.client.internal.ClientCore;
import dev.sente.client.internal.Urls;
import dev.sente.core.Packer;
import dev.sente.core.json.JsonPacker;
import dev.sente.core.time.Scheduler;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link SenteClient}; every option has a documented default. Builders are not
 * thread-safe; the clients they build are.
 *
 * <pre>{@code
 * HttpClient http = HttpClient.newHttpClient();           // share these between many clients
 * Scheduler timers = Scheduler.system("sente-timers");
 * SenteClient client = SenteClient.builder("https://app.example/chsk")
 *     .csrfToken(() -> page.csrfToken())
 *     .cookie("JSESSIONID", session)
 *     .stopReconnectingOn(401, 403)
 *     .httpClient(http)
 *     .scheduler(timers)
 *     .build();
 * }</pre>
 */
public final class SenteClientBuilder {

  /** Default client keep-alive: an idle WebSocket is pinged after this (checked every half). */
  public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(20);

  /** Default ping timeout: the answer to the client's ping must come within this. */
  public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(5);

  /** Default connect timeout: from the first packet to the server's handshake. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Default interval at which an {@code AUTO} client on Ajax tries the WebSocket again. */
  public static final Duration DEFAULT_UPGRADE_RETRY_INTERVAL = Duration.ofSeconds(30);

  /** The HTTP timeout of an Ajax long-poll: the server answers every poll well before it. */
  public static final Duration AJAX_POLL_TIMEOUT = Duration.ofSeconds(60);

  /** Default largest message or response body the client reads: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 << 20;

  /**
   * Default most frames waiting to be written on a WebSocket, or Ajax POSTs in flight; a send
   * beyond it returns false (a request fails with {@link ReplyErrorException}).
   */
  public static final int DEFAULT_MAX_QUEUED_FRAMES = 1024;

  /** Default: the client asks the server for the resume extension. */
  public static final boolean DEFAULT_RESUME = true;

  private final URI endpoint;
  private Transport transport = Transport.AUTO;
  private Packer packer;
  private String clientId = UUID.randomUUID().toString();
  private Supplier<Optional<String>> csrfToken = Optional::empty;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private Optional<String> origin;
  private final Map<String, String> params = new LinkedHashMap<>();
  private Duration keepAlive = DEFAULT_KEEP_ALIVE;
  private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration upgradeRetryInterval = DEFAULT_UPGRADE_RETRY_INTERVAL;
  private Backoff backoff = Backoff.exponential();
  private Predicate<ClientState.Closed> stopReconnecting = closed -> false;
  private Executor callbackExecutor;
  private Scheduler scheduler;
  private HttpClient httpClient;
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private int maxQueuedFrames = DEFAULT_MAX_QUEUED_FRAMES;
  private boolean resume = DEFAULT_RESUME;
  private Consumer<Throwable> errorHandler =
      error -> LoggerFactory.getLogger(SenteClient.class).error("Client callback failed", error);

  SenteClientBuilder(URI endpoint) {
    this.endpoint = Urls.endpoint(Objects.requireNonNull(endpoint, "endpoint"));
    this.origin = Optional.of(Urls.origin(this.endpoint));
  }

  /** The transport mode; default {@link Transport#AUTO}. */
  public SenteClientBuilder transport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /** The packer; must match the server's. Default JSON ({@link JsonPacker}). */
  public SenteClientBuilder packer(Packer packer) {
    this.packer = Objects.requireNonNull(packer, "packer");
    return this;
  }

  /** The client id (one per tab or client instance); default a random UUID. */
  public SenteClientBuilder clientId(String clientId) {
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    this.clientId = clientId;
    return this;
  }

  /**
   * A fixed CSRF token: the {@code csrf-token} query parameter of the WebSocket URL and the {@code
   * X-CSRF-Token} header of Ajax requests. Default none.
   */
  public SenteClientBuilder csrfToken(String token) {
    Objects.requireNonNull(token, "token");
    return csrfToken(() -> token);
  }

  /**
   * A CSRF token read on every connection and every Ajax request (a token that changes after a
   * login); null or blank means no token. It is called on the client's threads and must not block.
   */
  public SenteClientBuilder csrfToken(Supplier<String> token) {
    Objects.requireNonNull(token, "token");
    this.csrfToken = () -> Optional.ofNullable(token.get()).filter(t -> !t.isBlank());
    return this;
  }

  /** Adds a header to the WebSocket upgrade and every Ajax request (replacing one of that name). */
  public SenteClientBuilder header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.equalsIgnoreCase("Origin")) {
      return origin(value);
    }
    headers.put(name, value);
    return this;
  }

  /** Adds a cookie (a session cookie, for instance) to every request. */
  public SenteClientBuilder cookie(String name, String value) {
    cookies.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * The {@code Origin} header; default the endpoint's own origin {@code scheme://host[:port]},
   * which a server's default same-origin check accepts.
   */
  public SenteClientBuilder origin(String origin) {
    this.origin = Optional.of(Objects.requireNonNull(origin, "origin"));
    return this;
  }

  /** Sends no {@code Origin} header (for servers that accept any origin). */
  public SenteClientBuilder withoutOrigin() {
    this.origin = Optional.empty();
    return this;
  }

  /**
   * Adds a query parameter to the WebSocket URL and Ajax GETs (not POSTs, as in Sente 1.21+).
   * Sente's own parameters win over one of the same name.
   */
  public SenteClientBuilder param(String name, String value) {
    params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Keep-alive: an idle WebSocket is pinged after about this long; default 20 s. */
  public SenteClientBuilder keepAlive(Duration keepAlive) {
    this.keepAlive = positive(keepAlive, "keepAlive");
    return this;
  }

  /** How long the client waits for the answer to its ping; default 5 s. */
  public SenteClientBuilder pingTimeout(Duration pingTimeout) {
    this.pingTimeout = positive(pingTimeout, "pingTimeout");
    return this;
  }

  /** How long a connection may take until the handshake; default 10 s. */
  public SenteClientBuilder connectTimeout(Duration connectTimeout) {
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
    return this;
  }

  /**
   * In {@link Transport#AUTO} mode, while on Ajax, how often to try the WebSocket again (the client
   * moves back when it handshakes); default 30 s; {@link Duration#ZERO} never tries (Sente's
   * behaviour).
   */
  public SenteClientBuilder upgradeRetryInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval must not be negative: " + interval);
    }
    this.upgradeRetryInterval = interval;
    return this;
  }

  /** The delay before each retry; default {@link Backoff#exponential()}. */
  public SenteClientBuilder backoff(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  /**
   * Stops retrying after the server refuses the client with one of these HTTP statuses (for
   * instance 401 and 403 once a session has expired, Sente issue 479). Default: retry forever.
   */
  public SenteClientBuilder stopReconnectingOn(int... statuses) {
    Set<Integer> set = IntStream.of(statuses).boxed().collect(Collectors.toUnmodifiableSet());
    return stopReconnectingWhen(
        closed -> closed.code().isPresent() && set.contains(closed.code().getAsInt()));
  }

  /**
   * Stops retrying after a closed state the predicate accepts (its {@code willReconnect} reads
   * false while it is tested). Default: retry forever.
   */
  public SenteClientBuilder stopReconnectingWhen(Predicate<ClientState.Closed> predicate) {
    this.stopReconnecting = Objects.requireNonNull(predicate, "predicate");
    return this;
  }

  /**
   * Where handlers, state listeners and request futures run. Handlers and listeners run one at a
   * time, in order, on it. Default: the client's own executor, on virtual threads when the runtime
   * has them (Java 21+), shut down by {@link SenteClient#close()}. The executor must run tasks on
   * other threads, never inline.
   */
  public SenteClientBuilder callbackExecutor(Executor executor) {
    this.callbackExecutor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * The clock and timers (keep-alive, timeouts, backoff); share one between many clients. Default:
   * the client's own timer thread, ended by {@link SenteClient#close()}. A shared scheduler is not
   * closed by the client.
   */
  public SenteClientBuilder scheduler(Scheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * The HTTP client for WebSockets and Ajax; share one between many clients. Default: the client's
   * own, shut down by {@link SenteClient#close()} (on Java 17, whose {@code HttpClient} cannot be
   * shut down, its selector thread ends when the client is garbage collected). A shared client is
   * not closed by the client.
   */
  public SenteClientBuilder httpClient(HttpClient httpClient) {
    this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    return this;
  }

  /** The largest message or response body read; default 16 MiB. */
  public SenteClientBuilder maxMessageBytes(int maxMessageBytes) {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
    }
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  /** The most frames waiting to be written (or POSTs in flight); default 1024. */
  public SenteClientBuilder maxQueuedFrames(int maxQueuedFrames) {
    if (maxQueuedFrames < 1) {
      throw new IllegalArgumentException("maxQueuedFrames must be positive");
    }
    this.maxQueuedFrames = maxQueuedFrames;
    return this;
  }

  /** Hears exceptions thrown by handlers and listeners; default logs at ERROR. */
  public SenteClientBuilder onError(Consumer<Throwable> errorHandler) {
    this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    return this;
  }

  /**
   * Whether to ask the server for the resume extension (docs/protocol.md, "Extensions / Resume");
   * default true. The client then adds {@code ext=resume} to the WebSocket URL and to every Ajax
   * request. Only a server that grants it in its handshake changes anything: the client then keeps
   * its cursor in the server's numbered stream of pushes, sends it on every reconnect and poll,
   * drops the events it has already seen, and reports what a reconnect recovered ({@link
   * ClientState.Open#recovery()}, the local event {@code chsk/recovery}). A server that does not
   * grant it (every Clojure Sente server) gets exactly Sente's protocol. False sends no {@code ext}
   * parameter at all.
   */
  public SenteClientBuilder resume(boolean resume) {
    this.resume = resume;
    return this;
  }

  /** The configuration these options make. */
  public ClientConfig config() {
    return new ClientConfig(
        endpoint,
        transport,
        packer != null ? packer : JsonPacker.create(),
        clientId,
        csrfToken,
        Collections.unmodifiableMap(new LinkedHashMap<>(headers)),
        Collections.unmodifiableMap(new LinkedHashMap<>(cookies)),
        origin,
        Collections.unmodifiableMap(new LinkedHashMap<>(params)),
        keepAlive,
        pingTimeout,
        connectTimeout,
        upgradeRetryInterval,
        backoff,
        stopReconnecting,
        Optional.ofNullable(callbackExecutor),
        Optional.ofNullable(scheduler),
        Optional.ofNullable(httpClient),
        maxMessageBytes,
        maxQueuedFrames,
        errorHandler,
        resume);
  }

  /** Builds the client; it does not connect until {@link SenteClient#connect()}. */
  public SenteClient build() {
    return ClientCore.create(config());
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }
}
