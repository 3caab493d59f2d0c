package dev.sente.bench;

import dev.sente.bench.load.Load;
import dev.sente.bench.server.Pushed;
import java.io.IOException;
import java.util.Map;

/** A running server under test, as the harness drives it. */
interface Target extends AutoCloseable {

  /**
   * The system: {@code sente}, {@code socketio} or {@code jetty}; or a cluster of them over Redis
   * ({@code sente-cluster2}, {@code socketio-redis2}, see {@link ClusterTarget}).
   */
  String system();

  /** The protocol the load generator speaks to it. */
  default Load.Dialect dialect() {
    if (system().startsWith("sente")) {
      return Load.Dialect.SENTE;
    }
    return system().startsWith("socketio") ? Load.Dialect.SOCKETIO : Load.Dialect.RAW;
  }

  int port();

  /** The ports the load generator spreads its clients over, round-robin (one but for a cluster). */
  default int[] ports() {
    return new int[] {port()};
  }

  /**
   * The process to read memory of, and to profile (this JVM's own when in-process; a cluster's
   * first node, the one that pushes).
   */
  long pid();

  /** The processes whose CPU time is the server's (every node of a cluster). */
  default long[] pids() {
    return new long[] {pid()};
  }

  /** The redis-server process a cluster runs on, or -1 for none. */
  default long redisPid() {
    return -1;
  }

  /**
   * Redis's command counters since it started ({@code calls} and {@code failed}: every command, and
   * those that failed or were rejected); empty for none.
   */
  default Map<String, Long> redisCounters() {
    return Map.of();
  }

  /**
   * The server's own counters since it started (a Sente cluster node's bus: {@code published},
   * {@code received}, {@code refusedTooLarge}, {@code failed}, {@code downs}); empty for none.
   */
  default Map<String, Long> nodeCounters() {
    return Map.of();
  }

  /** A note on the target's health after a scenario (a cluster: how many nodes are up), or "". */
  default String health() {
    return "";
  }

  /** Runs the server's push loop to users u(first) ..; returns when it ended. */
  Pushed push(int first, int users, long intervalMicros, long durationMillis) throws IOException;

  /** The server's heap in use after a full collection, in bytes. */
  long heapAfterGc() throws IOException;

  @Override
  void close();
}
