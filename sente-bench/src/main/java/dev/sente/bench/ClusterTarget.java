package dev.sente.bench;

import dev.sente.bench.server.BenchServer;
import dev.sente.bench.server.Pushed;
import dev.sente.testkit.redis.RedisServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several servers of one system sharing their users over one redis-server that this target starts
 * (the machine's, through the testkit's {@link RedisServer}) and stops:
 *
 * <ul>
 *   <li>{@code sente-cluster<N>}: N Sente nodes, each {@code ServerMain sente 0 <redis> <prefix>}
 *       ({@code RedisCluster}, the same URI and prefix on every node);
 *   <li>{@code socketio-redis<N>}: N Socket.IO nodes, each {@code socketio-server.js 0 <redis>}
 *       ({@code @socket.io/redis-adapter}).
 * </ul>
 *
 * The load generator spreads its clients over the nodes round-robin ({@link #ports}); the push loop
 * runs on the first node only and pushes to every user, so that the pushes to the users of the
 * other nodes cross Redis. The server's CPU is every node's; Redis's CPU and command counters are
 * read from the redis-server process and its {@code INFO}. In the in-process smoke run the Sente
 * nodes run in this JVM.
 */
final class ClusterTarget implements Target {
  private static final Pattern NAME = Pattern.compile("(sente-cluster|socketio-redis)([2-9])");

  private final String system;
  private final RedisServer redis;
  private final long redisPid;
  private final List<Target> nodes;
  private final Thread stopRedis;
  private final List<Path> logs; // the node processes' stderr
  private final long[] logRead; // how far health() has read each, in bytes

  private ClusterTarget(
      String system,
      RedisServer redis,
      long redisPid,
      List<Target> nodes,
      Thread stopRedis,
      List<Path> logs) {
    this.system = system;
    this.redis = redis;
    this.redisPid = redisPid;
    this.nodes = List.copyOf(nodes);
    this.stopRedis = stopRedis;
    this.logs = List.copyOf(logs);
    this.logRead = new long[logs.size()];
    for (int i = 0; i < logRead.length; i++) {
      logRead[i] = size(logs.get(i));
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** True for the names of cluster systems: {@code sente-cluster2}, {@code socketio-redis3}. */
  static boolean isCluster(String system) {
    return NAME.matcher(system).matches();
  }

  /** Starts the redis-server and the system's nodes on it; stops what started if one fails. */
  static ClusterTarget start(String system, Plan plan) throws IOException {
    Matcher m = NAME.matcher(system);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a cluster system: " + system);
    }
    boolean sente = m.group(1).equals("sente-cluster");
    int count = Integer.parseInt(m.group(2));
    RedisServer redis;
    try {
      redis = RedisServer.start();
    } catch (AssertionError e) { // the testkit's "redis-server not found, install it with .."
      throw new IOException(e.getMessage(), e);
    }
    // the nodes end with the harness (their stdin closes); the redis-server would not
    Thread stopRedis = new Thread(redis::close, "stop-redis-" + system);
    Runtime.getRuntime().addShutdownHook(stopRedis);
    List<Target> nodes = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    try {
      long redisPid = Long.parseLong(info(redis, "server").get("process_id"));
      String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < count; i++) {
        String name = system + "-" + i;
        if (!plan.inProcess() || !sente) {
          logs.add(plan.logDir().resolve(name + ".log"));
        }
        if (sente && plan.inProcess()) {
          nodes.add(new LocalTarget("sente", BenchServer.startNode(0, redis.uri(), prefix)));
        } else if (sente) {
          nodes.add(
              ProcessTarget.start(name, "sente", plan, List.of(redis.uri().toString(), prefix)));
        } else {
          nodes.add(ProcessTarget.start(name, "socketio", plan, List.of(redis.uri().toString())));
        }
      }
      return new ClusterTarget(system, redis, redisPid, nodes, stopRedis, logs);
    } catch (IOException | RuntimeException e) {
      nodes.forEach(Target::close);
      redis.close();
      Runtime.getRuntime().removeShutdownHook(stopRedis);
      throw e;
    }
  }

  /** One section of Redis's {@code INFO}, as its {@code key:value} lines. */
  private static Map<String, String> info(RedisServer redis, String section) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    String text = redis.command("INFO", section);
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return fields;
  }

  @Override
  public String system() {
    return system;
  }

  @Override
  public int port() {
    return nodes.get(0).port();
  }

  @Override
  public int[] ports() {
    return nodes.stream().mapToInt(Target::port).toArray();
  }

  @Override
  public long pid() {
    return nodes.get(0).pid();
  }

  @Override
  public long[] pids() {
    return nodes.stream().mapToLong(Target::pid).distinct().toArray();
  }

  @Override
  public long redisPid() {
    return redisPid;
  }

  /**
   * Sums {@code INFO commandstats} ({@code cmdstat_<name>:calls=N,usec=..,failed_calls=F,
   * rejected_calls=R} per command): every command, the commands run inside scripts included; the
   * script calls themselves ({@code EVAL}, {@code EVALSHA}, {@code FCALL}); and the failed ones,
   * also per command ({@code failed:<name>}).
   */
  @Override
  public Map<String, Long> redisCounters() {
    Map<String, Long> counters = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : info(redis, "commandstats").entrySet()) {
        if (!e.getKey().startsWith("cmdstat_")) {
          continue;
        }
        String command = e.getKey().substring("cmdstat_".length());
        boolean script = command.startsWith("eval") || command.startsWith("fcall");
        for (String pair : e.getValue().split(",")) {
          String[] kv = pair.split("=");
          if (kv.length != 2) {
            continue;
          }
          switch (kv[0]) {
            case "calls" -> {
              long n = Long.parseLong(kv[1]);
              counters.merge("calls", n, Long::sum);
              if (script) {
                counters.merge("scripts", n, Long::sum);
              }
            }
            case "failed_calls", "rejected_calls" -> {
              long n = Long.parseLong(kv[1]);
              counters.merge("failed", n, Long::sum);
              counters.merge("failed:" + command, n, Long::sum);
            }
            default -> {
              // usec, usec_per_call
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return counters;
  }

  /** The pushing node's counters ({@link Target#nodeCounters}). */
  @Override
  public Map<String, Long> nodeCounters() {
    try {
      return nodes.get(0).nodeCounters();
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  @Override
  public synchronized String health() {
    long up = nodes.stream().filter(ClusterTarget::isUp).count();
    String redisState = redis.isRunning() ? "" : ", redis-server down";
    String state =
        up == nodes.size()
            ? "all " + up + " nodes up" + redisState
            : (nodes.size() - up) + " of " + nodes.size() + " nodes DOWN" + redisState;
    String logged = logged();
    return logged.isEmpty() ? state : logged + "; " + state;
  }

  /**
   * What the node processes logged since the last call: the lines that say a push reached the
   * pushing node's own clients only (the shared log did not take it), and the other warnings and
   * errors. Sente logs the first kind at most 10 times a minute, so those counts are lower bounds.
   */
  private String logged() {
    long notTaken = 0;
    long warnings = 0;
    long errors = 0;
    for (int i = 0; i < logs.size(); i++) {
      long end = size(logs.get(i));
      if (end <= logRead[i]) {
        continue;
      }
      try (RandomAccessFile file = new RandomAccessFile(logs.get(i).toFile(), "r")) {
        file.seek(logRead[i]);
        byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, end - logRead[i])];
        file.readFully(bytes);
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
          if (line.contains("the cluster's shared log did not take them")) {
            notTaken++;
          } else if (line.contains(" WARN ")) {
            warnings++;
          } else if (line.contains(" ERROR ")) {
            errors++;
          }
        }
        logRead[i] = end;
      } catch (IOException e) {
        // unread: counted next time
      }
    }
    if (notTaken + warnings + errors == 0) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "node logs: %,d appends not taken by Redis (at least), %,d other warnings, %,d errors",
        notTaken,
        warnings,
        errors);
  }

  private static boolean isUp(Target node) {
    return !(node instanceof ProcessTarget p) || p.isAlive();
  }

  /** The push loop of the first node. */
  @Override
  public Pushed push(int first, int users, long intervalMicros, long durationMillis)
      throws IOException {
    return nodes.get(0).push(first, users, intervalMicros, durationMillis);
  }

  /** Every node's heap after a full collection, summed. */
  @Override
  public long heapAfterGc() throws IOException {
    long heap = 0;
    for (Target node : nodes) {
      heap += node.heapAfterGc();
    }
    return heap;
  }

  @Override
  public void close() {
    try {
      for (Target node : nodes) {
        node.close();
      }
    } finally {
      redis.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stopRedis);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs (or ran) anyway
      }
    }
  }

  @Override
  public String toString() {
    return system + " on " + redis;
  }
}
