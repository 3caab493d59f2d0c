package dev.sente.bench.server;

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
