package dev.sente.bench;

import dev.sente.bench.load.Load;
import dev.sente.bench.server.Pushed;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Runs one scenario against one server with the load generator, and measures it. */
final class Runner {
  private static final long SELF = ProcessHandle.current().pid();
  private static final String HOST = "127.0.0.1";

  private final Plan plan;
  private final Load load;

  Runner(Plan plan, Load load) {
    this.plan = plan;
    this.load = load;
  }

  Result run(Target target, Scenario scenario) throws IOException, InterruptedException {
    return switch (scenario.kind()) {
      case WS_RR, AJAX_RR -> requestReply(target, scenario);
      case WS_PUSH, AJAX_PUSH -> push(target, scenario);
      case IDLE -> idle(target, scenario);
    };
  }

  private Load.Transport transport(Scenario scenario) {
    return scenario.kind().isWebSocket() ? Load.Transport.WEBSOCKET : Load.Transport.AJAX;
  }

  private Result requestReply(Target target, Scenario scenario) throws InterruptedException {
    int n = scenario.connections();
    int opened =
        load.connect(
            target.dialect(), transport(scenario), HOST, target.ports(), n, plan.connectTimeout());
    long start = System.nanoTime();
    long windowStart = start + plan.warmUp().toNanos();
    long windowEnd = windowStart + plan.measure().toNanos();
    load.startRequestReply(windowStart, windowEnd);
    sleepUntil(windowStart);
    Profiler profiler = Profiler.start(target, scenario);
    long server0 = serverCpuMillis(target);
    long self0 = ProcStats.cpuMillis(SELF);
    RedisMark redis0 = RedisMark.of(target);
    long t0 = System.nanoTime();
    sleepUntil(windowEnd);
    profiler.stop();
    RedisMark redis1 = RedisMark.of(target);
    long server1 = serverCpuMillis(target);
    long self1 = ProcStats.cpuMillis(SELF);
    long t1 = System.nanoTime();
    load.awaitRequestReply(Duration.ofSeconds(10));
    Load.Snapshot s = load.snapshot();
    load.closeAll();
    double seconds = (windowEnd - windowStart) / 1e9;
    Histogram h = s.roundTripMicros();
    Result result =
        new Result(
            target.system(),
            scenario,
            opened,
            s.roundTrips() / seconds,
            h.getValueAtPercentile(50),
            h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9),
            s.roundTrips(),
            -1,
            0,
            (t1 - t0) / 1e6,
            server1 - server0,
            self1 - self0,
            s.errors() + s.closedEarly(),
            -1,
            -1,
            -1);
    return redis0.until(redis1, result, target);
  }

  private Result push(Target target, Scenario scenario) throws IOException, InterruptedException {
    int n = scenario.connections();
    int opened =
        load.connect(
            target.dialect(), transport(scenario), HOST, target.ports(), n, plan.connectTimeout());
    Thread.sleep(plan.settle().toMillis());
    load.resetPushes();
    Profiler profiler = Profiler.start(target, scenario);
    long server0 = serverCpuMillis(target);
    long self0 = ProcStats.cpuMillis(SELF);
    RedisMark redis0 = RedisMark.of(target);
    Pushed pushed =
        target.push(
            load.firstUser(), n, plan.pushIntervalMicros(scenario), plan.pushDuration().toMillis());
    long drainEnd =
        System.nanoTime() + Math.max(plan.drain().toNanos(), plan.pushDuration().toNanos());
    Load.Snapshot s = load.snapshot();
    while (s.delivered() < pushed.count() && System.nanoTime() < drainEnd) {
      Thread.sleep(20);
      s = load.snapshot();
    }
    profiler.stop();
    RedisMark redis1 = RedisMark.of(target);
    long server1 = serverCpuMillis(target);
    long self1 = ProcStats.cpuMillis(SELF);
    long t1 = System.nanoTime();
    load.closeAll();
    // the window runs from the first push until the push loop ended or the last message
    // arrived, whichever is later
    long last = Math.max(s.lastDelivery(), pushed.endNanos());
    double seconds = Math.max(1e-3, (last - pushed.startNanos()) / 1e9);
    double wallMillis = (t1 - pushed.startNanos()) / 1e6;
    Histogram h = s.deliveryMicros();
    Result result =
        new Result(
            target.system(),
            scenario,
            opened,
            s.delivered() / seconds,
            h.getValueAtPercentile(50),
            h.getValueAtPercentile(99),
            h.getValueAtPercentile(99.9),
            s.delivered(),
            pushed.count(),
            pushed.count() / Math.max(1e-3, (pushed.endNanos() - pushed.startNanos()) / 1e9),
            wallMillis,
            server1 - server0,
            self1 - self0,
            s.errors() + s.closedEarly(),
            -1,
            -1,
            -1);
    return redis0.until(redis1, result, target);
  }

  /** The server's CPU time: every process of it (every node of a cluster), in milliseconds. */
  private static long serverCpuMillis(Target target) {
    long total = 0;
    for (long pid : target.pids()) {
      total += ProcStats.cpuMillis(pid);
    }
    return total;
  }

  /**
   * A cluster at one moment: its redis-server's CPU time and command counters, and the pushing
   * node's own counters.
   */
  private record RedisMark(long cpuMillis, Map<String, Long> counters, Map<String, Long> node) {
    static RedisMark of(Target target) {
      long pid = target.redisPid();
      return pid < 0
          ? new RedisMark(-1, Map.of(), Map.of())
          : new RedisMark(ProcStats.cpuMillis(pid), target.redisCounters(), target.nodeCounters());
    }

    /** The result with Redis's figures from this mark to the later one, and the target's health. */
    Result until(RedisMark later, Result result, Target target) {
      if (cpuMillis < 0) {
        return result;
      }
      List<String> failures = new ArrayList<>();
      for (Map.Entry<String, Long> e : later.counters.entrySet()) {
        long n = e.getValue() - counters.getOrDefault(e.getKey(), 0L);
        if (e.getKey().startsWith("failed:") && n > 0) {
          failures.add(n + " " + e.getKey().substring("failed:".length()));
        }
      }
      String health = target.health();
      RedisMark after = later;
      if (!after.node.isEmpty()) {
        health =
            String.format(
                    Locale.ROOT,
                    "pushing node: bus heard %,d, publishes failed %,d, down %d times;"
                        + " %,d append calls, %,d appends failed (%,d refused: too many waited)",
                    nodeDelta(after, "received"),
                    nodeDelta(after, "failed"),
                    nodeDelta(after, "downs"),
                    nodeDelta(after, "appendCalls"),
                    nodeDelta(after, "failedAppends"),
                    nodeDelta(after, "refusedAppends"))
                + "; "
                + health;
      }
      if (!failures.isEmpty()) {
        health = "failed Redis commands: " + String.join(", ", failures) + "; " + health;
      }
      return result.withRedis(
          later.cpuMillis - cpuMillis,
          delta(later, "calls"),
          delta(later, "scripts"),
          delta(later, "failed"),
          health);
    }

    private long nodeDelta(RedisMark later, String counter) {
      return later.node.getOrDefault(counter, 0L) - node.getOrDefault(counter, 0L);
    }

    private long delta(RedisMark later, String counter) {
      return later.counters.getOrDefault(counter, 0L) - counters.getOrDefault(counter, 0L);
    }
  }

  /**
   * How long idle CPU is measured: longer than one keep-alive cycle of every system (Socket.IO
   * pings each socket every 25 s, Sente an idle one about every 22.5 s), so that every connection's
   * pings fall inside the window whenever it starts. A shorter window compared a system that had
   * not pinged yet with one that had. The in-process smoke run keeps its short phase.
   */
  static final Duration IDLE_CPU_WINDOW = Duration.ofSeconds(30);

  static Duration idleCpuWindow(Plan plan) {
    if (plan.inProcess() || plan.measure().compareTo(IDLE_CPU_WINDOW) >= 0) {
      return plan.measure();
    }
    return IDLE_CPU_WINDOW;
  }

  /** Connections opened and closed on a fresh idle-scenario server before it is measured. */
  static final int IDLE_WARM_UP_CONNECTIONS = 2_000;

  /**
   * Opens and closes connections on the fresh server first, so that the JIT compiles the connect
   * path before the baseline: a compilation running while the measured connections open holds
   * megabytes of native compiler arenas (NMT's "Arena Chunk": 3 KiB per connection in one
   * recording) that would be counted as memory per connection. The wait after the close lets the
   * server forget the clients (their grace period) before the baseline.
   */
  private void warmUpConnects(Target target, Scenario scenario, int count)
      throws InterruptedException {
    load.connect(
        target.dialect(), transport(scenario), HOST, target.ports(), count, plan.connectTimeout());
    Thread.sleep(plan.settle().toMillis());
    load.closeAll();
    Thread.sleep(plan.settle().multipliedBy(2).toMillis());
  }

  /** The connections one step of the idle scenario opened, and the memory after it. */
  private record Step(int opened, long heap, long rss) {}

  /**
   * Opens clients {@code from} to {@code to - 1} (from 0: after closing every other), lets the
   * server settle and reads its live heap after a full collection and its RSS.
   */
  private Step open(Target target, Scenario scenario, int from, int to, String label)
      throws IOException, InterruptedException {
    int opened =
        from == 0
            ? load.connect(
                target.dialect(),
                transport(scenario),
                HOST,
                target.ports(),
                to,
                plan.connectTimeout())
            : load.connectMore(
                target.dialect(),
                transport(scenario),
                HOST,
                target.ports(),
                from,
                to,
                plan.connectTimeout());
    Thread.sleep(plan.settle().toMillis());
    long heap = settledHeap(target);
    long rss = ProcStats.rssBytes(target.pid());
    Profiler.nativeMemory(target, label);
    return new Step(opened, heap, rss);
  }

  /**
   * Idle connections: the memory per connection is the slope between half and all of them (fixed
   * costs such as JIT code and thread stacks cancel out), measured after a full collection. The
   * total-over-baseline figure is given too.
   */
  private Result idle(Target target, Scenario scenario) throws IOException, InterruptedException {
    int n = scenario.connections();
    int half = n / 2;
    if (!plan.inProcess()) {
      warmUpConnects(target, scenario, Math.min(n, IDLE_WARM_UP_CONNECTIONS));
    }
    settledHeap(target);
    long rss0 = ProcStats.rssBytes(target.pid());
    Step halfOpen = open(target, scenario, 0, half, "half");
    Step allOpen = open(target, scenario, half, n, "all");
    int opened = halfOpen.opened() + allOpen.opened();
    Profiler profiler = Profiler.start(target, scenario);
    long server0 = serverCpuMillis(target);
    long self0 = ProcStats.cpuMillis(SELF);
    long t0 = System.nanoTime();
    Thread.sleep(idleCpuWindow(plan).toMillis());
    profiler.stop();
    long server1 = serverCpuMillis(target);
    long self1 = ProcStats.cpuMillis(SELF);
    long t1 = System.nanoTime();
    int held = load.openClients();
    Load.Snapshot s = load.snapshot();
    load.closeAll();
    int delta = Math.max(1, allOpen.opened());
    return new Result(
        target.system(),
        scenario,
        opened,
        held,
        0,
        0,
        0,
        held,
        -1,
        0,
        (t1 - t0) / 1e6,
        server1 - server0,
        self1 - self0,
        s.errors() + s.closedEarly(),
        (allOpen.heap() - halfOpen.heap()) / (double) delta,
        (allOpen.rss() - halfOpen.rss()) / (double) delta,
        (allOpen.rss() - rss0) / (double) Math.max(1, opened));
  }

  /**
   * A full collection, then a pause: the JVM gives free heap back to the OS in the background after
   * a full collection, so RSS is read only once that is done.
   */
  private long settledHeap(Target target) throws IOException, InterruptedException {
    long heap = target.heapAfterGc();
    Thread.sleep(plan.settle().toMillis());
    return heap;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
    }
  }
}
