package dev.sente.demo;

import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DemoServer} runs: its timers, its CSRF key, and whether it refuses WebSockets. Tests
 * use short timers; {@link #defaults()} is what {@code main} runs with.
 *
 * <pre>{@code
 * DemoOptions fast = DemoOptions.defaults().withBroadcastInterval(Duration.ofMillis(200));
 * try (DemoServer demo = DemoServer.start(0, fast.withWebSocketsRefused(true))) {
 *   // a browser in auto mode falls back to Ajax long-polling here
 * }
 * }</pre>
 *
 * @param broadcastInterval how often the broadcast loop pushes to every connected user
 * @param longPollTimeout how long an Ajax poll is held, also the server's Ajax reply timeout
 * @param csrfTokens the CSRF token source; pass the same one to a restarted server so open pages
 *     keep working
 * @param refuseWebSockets answer every WebSocket upgrade with 403 (clients in auto mode fall back)
 */
public record DemoOptions(
    Duration broadcastInterval,
    Duration longPollTimeout,
    CsrfTokens csrfTokens,
    boolean refuseWebSockets) {

  /** The default broadcast interval. */
  public static final Duration DEFAULT_BROADCAST_INTERVAL = Duration.ofSeconds(3);

  public DemoOptions {
    Objects.requireNonNull(broadcastInterval, "broadcastInterval");
    Objects.requireNonNull(longPollTimeout, "longPollTimeout");
    Objects.requireNonNull(csrfTokens, "csrfTokens");
    if (broadcastInterval.isNegative() || broadcastInterval.isZero()) {
      throw new IllegalArgumentException(
          "broadcastInterval must be positive: " + broadcastInterval);
    }
  }

  /** A 3 s broadcast loop, the library's long-poll timeout, a fresh CSRF key, WebSockets on. */
  public static DemoOptions defaults() {
    return new DemoOptions(
        DEFAULT_BROADCAST_INTERVAL,
        SenteServer.Builder.DEFAULT_LONG_POLL_TIMEOUT,
        CsrfTokens.create(),
        false);
  }

  /** These options with another broadcast interval. */
  public DemoOptions withBroadcastInterval(Duration interval) {
    return new DemoOptions(interval, longPollTimeout, csrfTokens, refuseWebSockets);
  }

  /** These options with another long-poll (and Ajax reply) timeout. */
  public DemoOptions withLongPollTimeout(Duration timeout) {
    return new DemoOptions(broadcastInterval, timeout, csrfTokens, refuseWebSockets);
  }

  /** These options with another CSRF token source. */
  public DemoOptions withCsrfTokens(CsrfTokens tokens) {
    return new DemoOptions(broadcastInterval, longPollTimeout, tokens, refuseWebSockets);
  }

  /** These options with WebSocket upgrades refused (true) or accepted (false). */
  public DemoOptions withWebSocketsRefused(boolean refuse) {
    return new DemoOptions(broadcastInterval, longPollTimeout, csrfTokens, refuse);
  }
}
