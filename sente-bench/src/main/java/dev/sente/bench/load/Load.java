package dev.sente.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The load generator: lean protocol-level clients for Sente, Socket.IO and a bare WebSocket / long
 * poll server, on a few NIO selector threads. Every phase is bounded in count and time.
 *
 * <pre>{@code
 * try (Load load = Load.create(2)) {
 *   int open = load.connect(Load.Dialect.SENTE, Load.Transport.WEBSOCKET, "127.0.0.1", 8080, 1000,
 *       Duration.ofSeconds(30));
 *   long start = System.nanoTime() + 1_000_000_000L;
 *   load.startRequestReply(start, start + 5_000_000_000L);
 *   Thread.sleep(6_000);
 *   load.awaitRequestReply(Duration.ofSeconds(10));
 *   Load.Snapshot s = load.snapshot();
 * }
 * }</pre>
 */
public final class Load implements AutoCloseable {

  /** The protocols the generator speaks: one per system under test. */
  public enum Dialect {
    SENTE,
    SOCKETIO,
    RAW
  }

  /** How the clients connect. */
  public enum Transport {
    WEBSOCKET,
    AJAX
  }

  /** Connection attempts in flight at once (handshakes not yet done). */
  private static final int MAX_CONNECTING = 200;

  /** Each local loopback address carries at most this many connections (ephemeral ports). */
  public static final int CONNECTIONS_PER_SOURCE = 20_000;

  private final List<Loop> loops = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private Client.Progress progress = new Client.Progress();
  private int sourceOffset;
  private int firstUser;
  private int nextUser;

  private Load(int loopCount) {
    for (int i = 0; i < loopCount; i++) {
      loops.add(new Loop("load-" + i));
    }
  }

  /** A generator with the given number of selector threads. */
  public static Load create(int loops) {
    if (loops < 1) {
      throw new IllegalArgumentException("loops must be positive");
    }
    return new Load(loops);
  }

  /**
   * Closes every client, then opens n new ones and waits until each finished its protocol handshake
   * or failed, at most the timeout. Returns how many opened.
   */
  public int connect(
      Dialect system, Transport transport, String host, int port, int n, Duration timeout)
      throws InterruptedException {
    return connect(system, transport, host, new int[] {port}, n, timeout);
  }

  /**
   * As {@link #connect(Dialect, Transport, String, int, int, Duration)}, the clients spread over
   * the ports round-robin (client i to {@code ports[i % ports.length]}): the nodes of a cluster.
   */
  public int connect(
      Dialect system, Transport transport, String host, int[] ports, int n, Duration timeout)
      throws InterruptedException {
    closeAll();
    firstUser = nextUser;
    return connectMore(system, transport, host, ports, 0, n, timeout);
  }

  /**
   * Opens clients {@code from} to {@code to - 1} beside the open ones and waits for them as {@link
   * #connect} does. Client i binds the local address 127.0.0.(2 + k), k = i / {@link
   * #CONNECTIONS_PER_SOURCE}, shifted on every call to stay clear of sockets in TIME_WAIT, and is
   * user {@code u<first + i>} with client id {@code c<first + i>} ({@link #firstUser}). Returns how
   * many of them opened.
   */
  public int connectMore(
      Dialect system,
      Transport transport,
      String host,
      int port,
      int from,
      int to,
      Duration timeout)
      throws InterruptedException {
    return connectMore(system, transport, host, new int[] {port}, from, to, timeout);
  }

  /** As {@link #connectMore(Dialect, Transport, String, int, int, int, Duration)}, over ports. */
  public int connectMore(
      Dialect system,
      Transport transport,
      String host,
      int[] ports,
      int from,
      int to,
      Duration timeout)
      throws InterruptedException {
    progress = new Client.Progress();
    InetSocketAddress[] remotes = new InetSocketAddress[ports.length];
    for (int p = 0; p < ports.length; p++) {
      remotes[p] = new InetSocketAddress(host, ports[p]);
    }
    int sources = (to - from + CONNECTIONS_PER_SOURCE - 1) / CONNECTIONS_PER_SOURCE;
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = from; i < to; i++) {
      Loop loop = loops.get(i % loops.size());
      int source = 2 + (sourceOffset + (i - from) / CONNECTIONS_PER_SOURCE) % 250;
      InetSocketAddress local = new InetSocketAddress("127.0.0." + source, 0);
      int id = firstUser + i;
      InetSocketAddress remote = remotes[i % remotes.length];
      nextUser = Math.max(nextUser, id + 1);
      Client client =
          transport == Transport.WEBSOCKET
              ? new WsClient(loop, id, progress, wsDialect(system), remote, local)
              : new AjaxClient(loop, id, progress, ajaxDialect(system), remote, local);
      clients.add(client);
      while (i - from - progress.settled() >= MAX_CONNECTING && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      loop.execute(client::start);
    }
    sourceOffset += Math.max(1, sources);
    while (progress.settled() < to - from && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    return progress.opened.get();
  }

  private static WsDialect wsDialect(Dialect system) {
    return switch (system) {
      case SENTE -> new SenteWs();
      case SOCKETIO -> new SocketIoWs();
      case RAW -> new RawWs();
    };
  }

  private static AjaxDialect ajaxDialect(Dialect system) {
    return switch (system) {
      case SENTE -> new SenteAjax();
      case SOCKETIO -> new SocketIoAjax();
      case RAW -> new RawAjax();
    };
  }

  /**
   * The number of the first client of the latest {@link #connect}: its clients are users {@code
   * u<first>} onwards (and client ids {@code c<first>} onwards). Every connect takes fresh numbers.
   */
  public int firstUser() {
    return firstUser;
  }

  /** How many clients are open now. */
  public int openClients() {
    int open = 0;
    for (Loop loop : loops) {
      open += join(loop.call(() -> countOpen(loop)));
    }
    return open;
  }

  private int countOpen(Loop loop) {
    int open = 0;
    for (Client c : clients) {
      if (c.loop == loop && c.isOpen()) {
        open++;
      }
    }
    return open;
  }

  /**
   * Starts the closed request/reply loop on every open client. Round trips sent and answered within
   * [windowStart, windowEnd] (System.nanoTime()) are measured; the ones before are the warm-up;
   * each client stops after windowEnd.
   */
  public void startRequestReply(long windowStart, long windowEnd) {
    reset(windowStart, windowEnd);
    for (Loop loop : loops) {
      loop.execute(
          () -> {
            for (Client c : clients) {
              if (c.loop == loop) {
                c.startRequestReply(windowEnd);
              }
            }
          });
    }
  }

  /** Waits until every client stopped its request/reply loop, at most the timeout. */
  public void awaitRequestReply(Duration timeout) throws InterruptedException {
    long giveUp = System.nanoTime() + timeout.toNanos();
    while (progress.running.get() > 0 && System.nanoTime() < giveUp) {
      Thread.sleep(5);
    }
  }

  /** Starts a fresh measurement of pushes (deliveries are always recorded). */
  public void resetPushes() {
    reset(Long.MAX_VALUE, Long.MIN_VALUE);
  }

  private void reset(long windowStart, long windowEnd) {
    for (Loop loop : loops) {
      join(
          loop.call(
              () -> {
                loop.stats.reset(windowStart, windowEnd);
                return null;
              }));
    }
  }

  /** The figures of every loop, merged. */
  public Snapshot snapshot() {
    Stats total = new Stats();
    for (Loop loop : loops) {
      total.add(join(loop.call(loop.stats::copy)));
    }
    return new Snapshot(total);
  }

  /** Closes every client's connections. */
  public void closeAll() {
    for (Loop loop : loops) {
      join(
          loop.call(
              () -> {
                for (Client c : clients) {
                  if (c.loop == loop) {
                    c.close();
                  }
                }
                return null;
              }));
    }
    clients.clear();
  }

  @Override
  public void close() {
    closeAll();
    loops.forEach(Loop::close);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("load loop did not answer", e);
    }
  }

  /** Merged figures: round trips in the window, deliveries, latencies in microseconds. */
  public static final class Snapshot {
    private final Stats stats;

    Snapshot(Stats stats) {
      this.stats = stats;
    }

    public long roundTrips() {
      return stats.roundTrips;
    }

    public long delivered() {
      return stats.delivered;
    }

    /** System.nanoTime() of the last delivery, 0 when none. */
    public long lastDelivery() {
      return stats.lastDelivery;
    }

    public long errors() {
      return stats.errors;
    }

    /** Clients whose connection closed after they had opened. */
    public long closedEarly() {
      return stats.closedEarly;
    }

    /** Request/reply latency, microseconds. */
    public Histogram roundTripMicros() {
      return stats.requestReply;
    }

    /** Push delivery latency (server's send call to the client's read), microseconds. */
    public Histogram deliveryMicros() {
      return stats.push;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "rt=%d delivered=%d errors=%d closedEarly=%d",
          roundTrips(),
          delivered(),
          errors(),
          closedEarly());
    }
  }
}
