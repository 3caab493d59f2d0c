package dev.sente.bench.server;

import java.net.URI;
import java.util.Map;

/**
 * A server under test, in this JVM: the port it listens on and its push loop. {@link ServerMain}
 * runs one in a process of its own, driven over stdin.
 *
 * <pre>{@code
 * try (BenchServer server = BenchServer.start("sente", 0)) {
 *   Pushed pushed = server.push(0, 1000, 5_000, 3_000); // u0..u999, a round every 5 ms, 3 s
 * }
 * }</pre>
 */
public interface BenchServer extends AutoCloseable {

  /** The systems: {@code sente} (ours, on Jetty) and {@code jetty} (bare Jetty, no protocol). */
  static BenchServer start(String system, int port) {
    return switch (system) {
      case "sente" -> SenteBenchServer.start(port);
      case "jetty" -> RawJettyServer.start(port);
      default -> throw new IllegalArgumentException("unknown system: " + system);
    };
  }

  /**
   * A Sente node of the cluster on the Redis at {@code redis}, every key under {@code prefix}: the
   * nodes of one cluster are started with the same two.
   */
  static BenchServer startNode(int port, URI redis, String prefix) {
    return SenteBenchServer.start(port, redis, prefix);
  }

  /**
   * Its own counters since it started: a cluster node's bus ({@code RedisCluster.busStats()}:
   * {@code published}, {@code received}, {@code refusedTooLarge}, {@code failed}, {@code downs});
   * none for a server alone.
   */
  default Map<String, Long> counters() {
    return Map.of();
  }

  /** The port it listens on. */
  int port();

  /**
   * Pushes rounds of one message per user ({@code u<first>} to {@code u<first + users - 1>}) until
   * the duration is over.
   */
  Pushed push(int first, int users, long intervalMicros, long durationMillis);

  @Override
  void close();
}
