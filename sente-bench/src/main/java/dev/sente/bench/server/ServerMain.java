package dev.sente.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Runs one Java server under test in its own process, driven over stdin by the harness (the Node
 * server speaks the same lines): prints {@code ready <port> <pid>}, then answers {@code push
 * <users> <intervalMicros> <durationMillis> [first]} with {@code pushed <count> <startNanos>
 * <endNanos>}, {@code gc} with {@code heap <usedBytes>} (after a full GC), {@code stats} with
 * {@code stats <name>=<count> ..} (a cluster node's bus counters; none alone), and stops on {@code
 * quit} or when stdin closes.
 *
 * <p>{@code ServerMain sente <port> <redisUri> <prefix>} is a node of a cluster of Sente servers
 * over that Redis ({@code RedisCluster}); every node of one cluster gets the same two.
 *
 * <p>The push line may end with the first user's number (default 0): every run of the harness
 * connects fresh user ids, so that no state of an earlier run (a dead held poll, a client in its
 * grace period) can take part.
 *
 * <pre>{@code
 * java -cp ... dev.sente.bench.server.ServerMain sente 0
 * java -cp ... dev.sente.bench.server.ServerMain sente 0 redis://127.0.0.1:6379 bench-1
 * }</pre>
 */
public final class ServerMain {
  private ServerMain() {}

  /**
   * {@code ServerMain <sente|jetty> <port>} or {@code ServerMain sente <port> <redis> <prefix>}.
   */
  public static void main(String[] args) throws IOException {
    boolean node = args.length == 4 && "sente".equals(args[0]);
    if (args.length != 2 && !node) {
      System.err.println(
          "usage: ServerMain <sente|jetty> <port> | sente <port> <redisUri> <prefix>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    BenchServer server =
        node
            ? BenchServer.startNode(port, URI.create(args[2]), args[3])
            : BenchServer.start(args[0], port);
    System.out.println("ready " + server.port() + " " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+");
      switch (words[0]) {
        case "push" -> {
          Pushed p =
              server.push(
                  words.length > 4 ? Integer.parseInt(words[4]) : 0,
                  Integer.parseInt(words[1]),
                  Long.parseLong(words[2]),
                  Long.parseLong(words[3]));
          System.out.println("pushed " + p.count() + " " + p.startNanos() + " " + p.endNanos());
        }
        case "gc" -> System.out.println("heap " + heapAfterGc());
        case "stats" -> {
          StringBuilder stats = new StringBuilder("stats");
          server.counters().forEach((k, v) -> stats.append(' ').append(k).append('=').append(v));
          System.out.println(stats);
        }
        case "quit" -> {
          server.close();
          System.exit(0);
        }
        default -> System.out.println("error unknown command " + words[0]);
      }
      System.out.flush();
    }
    server.close();
    System.exit(0);
  }

  /** The heap in use after two full collections, in bytes. */
  public static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
