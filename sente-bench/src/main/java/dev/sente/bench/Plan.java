package dev.sente.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What one run does: which systems, which scenarios, how long each phase lasts, and where results
 * go. {@link #full} is the published run; {@link #smoke} the seconds-long run of the test suite.
 *
 * @param systems {@code sente}, {@code socketio}, {@code jetty}, in that order
 * @param wsPushRate messages per second the push loop offers on WebSocket, over all users, when the
 *     scenario names no rate
 * @param ajaxPushRate the same over Ajax
 * @param drain how long a push scenario waits, at least, after the push loop ended for the last
 *     messages (it waits as long as the push loop ran if that is longer)
 * @param loops selector threads of the load generator
 * @param inProcess Java servers in this JVM (smoke run) instead of their own processes
 * @param jitWarmUp run every workload briefly, unmeasured, on each new long-lived server
 * @param outDir where results, tables and charts go; empty for none
 */
record Plan(
    List<String> systems,
    List<Scenario> scenarios,
    Duration warmUp,
    Duration measure,
    Duration pushDuration,
    Duration settle,
    Duration connectTimeout,
    long wsPushRate,
    long ajaxPushRate,
    Duration drain,
    int loops,
    boolean inProcess,
    boolean jitWarmUp,
    Path benchDir,
    Optional<Path> outDir,
    Path logDir,
    List<String> serverJvmOptions,
    List<String> nodeOptions) {

  /** The systems, ours first. */
  static final List<String> ALL_SYSTEMS = List.of("sente", "socketio", "jetty");

  /**
   * Server JVM flags (the same for ours and the bare Jetty server). The heap-free ratios only act
   * after a full collection (G1 sizes its heap by GC time otherwise): they make the JVM give back
   * the free heap when the idle scenario measures memory, so that RSS follows the live data.
   */
  static final List<String> SERVER_JVM =
      List.of(
          "-Xms64m",
          "-Xmx2g",
          "-XX:+UseG1GC",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=20");

  /** The published run: every scenario, about ten minutes. */
  static Plan full(Path benchDir, Path outDir) {
    long files = ProcStats.openFilesLimit();
    int idle = (int) Math.min(50_000, Math.max(1_000, files - 1_000));
    List<Scenario> scenarios = new ArrayList<>();
    for (int n : new int[] {100, 1_000, 10_000}) {
      scenarios.add(new Scenario(Scenario.Kind.WS_RR, n));
    }
    for (int n : new int[] {100, 1_000, 10_000}) {
      scenarios.add(new Scenario(Scenario.Kind.WS_PUSH, n, 1_000_000));
    }
    scenarios.add(new Scenario(Scenario.Kind.WS_PUSH, 1_000, 20_000));
    scenarios.add(new Scenario(Scenario.Kind.AJAX_RR, 1_000));
    scenarios.add(new Scenario(Scenario.Kind.AJAX_PUSH, 1_000, 20_000));
    scenarios.add(new Scenario(Scenario.Kind.AJAX_PUSH, 5_000, 5_000));
    scenarios.add(new Scenario(Scenario.Kind.IDLE, idle));
    return new Plan(
        ALL_SYSTEMS,
        scenarios,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofSeconds(4),
        Duration.ofSeconds(2),
        Duration.ofSeconds(90),
        200_000,
        20_000,
        Duration.ofSeconds(5),
        2,
        false,
        true,
        benchDir,
        Optional.of(outDir),
        benchDir.resolve("target/bench-logs"),
        SERVER_JVM,
        List.of("--max-old-space-size=4096"));
  }

  /** The smoke run: every scenario with ten connections for about a second. */
  static Plan smoke(Path benchDir, List<String> systems, boolean inProcess) {
    List<Scenario> scenarios = new ArrayList<>();
    for (Scenario.Kind kind : Scenario.Kind.values()) {
      scenarios.add(new Scenario(kind, 10));
    }
    return new Plan(
        systems,
        scenarios,
        Duration.ofMillis(200),
        Duration.ofMillis(500),
        Duration.ofMillis(500),
        Duration.ofMillis(200),
        Duration.ofSeconds(10),
        5_000,
        500,
        Duration.ofSeconds(5),
        1,
        inProcess,
        false,
        benchDir,
        Optional.empty(),
        benchDir.resolve("target/bench-logs"),
        SERVER_JVM,
        List.of());
  }

  /** The same plan with other systems. */
  Plan withSystems(List<String> systems) {
    return with(d -> d.systems = List.copyOf(systems));
  }

  /** The same plan with other scenarios. */
  Plan withScenarios(List<Scenario> scenarios) {
    return with(d -> d.scenarios = List.copyOf(scenarios));
  }

  /** The same plan with other phase lengths. */
  Plan withTimes(Duration warmUp, Duration measure, Duration pushDuration) {
    return with(
        d -> {
          d.warmUp = warmUp;
          d.measure = measure;
          d.pushDuration = pushDuration;
        });
  }

  /** The same plan with other server JVM options. */
  Plan withServerJvmOptions(List<String> options) {
    return with(d -> d.serverJvmOptions = List.copyOf(options));
  }

  /** The same plan with other push rates. */
  Plan withPushRates(long ws, long ajax) {
    return with(
        d -> {
          d.wsPushRate = ws;
          d.ajaxPushRate = ajax;
        });
  }

  /** The same plan with another least wait for the last pushes. */
  Plan withDrain(Duration drain) {
    return with(d -> d.drain = drain);
  }

  /** The same plan with another number of generator threads. */
  Plan withLoops(int loops) {
    return with(d -> d.loops = loops);
  }

  /** The same plan writing its results, tables and charts into the directory. */
  Plan withOutDir(Path outDir) {
    return with(d -> d.outDir = Optional.of(outDir.toAbsolutePath()));
  }

  /** A copy of this plan with the change applied. */
  private Plan with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.plan();
  }

  /** A plan's fields, changeable, for the with-methods. */
  private static final class Draft {
    List<String> systems;
    List<Scenario> scenarios;
    Duration warmUp;
    Duration measure;
    Duration pushDuration;
    Duration settle;
    Duration connectTimeout;
    long wsPushRate;
    long ajaxPushRate;
    Duration drain;
    int loops;
    boolean inProcess;
    boolean jitWarmUp;
    Path benchDir;
    Optional<Path> outDir;
    Path logDir;
    List<String> serverJvmOptions;
    List<String> nodeOptions;

    Draft(Plan p) {
      systems = p.systems;
      scenarios = p.scenarios;
      warmUp = p.warmUp;
      measure = p.measure;
      pushDuration = p.pushDuration;
      settle = p.settle;
      connectTimeout = p.connectTimeout;
      wsPushRate = p.wsPushRate;
      ajaxPushRate = p.ajaxPushRate;
      drain = p.drain;
      loops = p.loops;
      inProcess = p.inProcess;
      jitWarmUp = p.jitWarmUp;
      benchDir = p.benchDir;
      outDir = p.outDir;
      logDir = p.logDir;
      serverJvmOptions = p.serverJvmOptions;
      nodeOptions = p.nodeOptions;
    }

    Plan plan() {
      return new Plan(
          systems,
          scenarios,
          warmUp,
          measure,
          pushDuration,
          settle,
          connectTimeout,
          wsPushRate,
          ajaxPushRate,
          drain,
          loops,
          inProcess,
          jitWarmUp,
          benchDir,
          outDir,
          logDir,
          serverJvmOptions,
          nodeOptions);
    }
  }

  /** The push loop's interval per user so that all users together get the offered rate. */
  long pushIntervalMicros(Scenario scenario) {
    long rate =
        scenario.rate() > 0
            ? scenario.rate()
            : scenario.kind() == Scenario.Kind.AJAX_PUSH ? ajaxPushRate : wsPushRate;
    return Math.max(1, scenario.connections() * 1_000_000L / rate);
  }

  /** The sente-bench directory: the working directory or its sente-bench child. */
  static Path findBenchDir() {
    Path here = Path.of("").toAbsolutePath();
    for (Path candidate : Arrays.asList(here, here.resolve("sente-bench"))) {
      if (Files.isRegularFile(candidate.resolve("src/main/node/socketio-server.js"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("run from the repository or sente-bench directory: " + here);
  }
}
