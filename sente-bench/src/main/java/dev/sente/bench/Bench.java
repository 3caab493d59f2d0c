package dev.sente.bench;

import dev.sente.bench.load.Load;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load harness: runs every scenario against Sente, Socket.IO and a bare Jetty server, in the
 * same run, one server process each, and prints (and writes) the tables and charts of
 * docs/benchmarks.md. Usually started by {@code sente-bench/bench.sh}.
 *
 * <pre>{@code
 * java -cp ... dev.sente.bench.Bench full --out docs/bench
 * java -cp ... dev.sente.bench.Bench smoke
 * java -cp ... dev.sente.bench.Bench full --systems sente,jetty --scenarios ws-rr:1000 --measure 10
 * }</pre>
 */
public final class Bench {
  private Bench() {}

  /** See the class comment; {@code --help} lists the options. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("--help")) {
      System.out.println(
          "usage: Bench full|smoke [--out DIR]"
              + " [--systems sente,socketio,jetty,sente-cluster2,sente-cluster3,socketio-redis2]"
              + " [--scenarios ws-rr:100,ws-push:1000,ajax-rr:1000,ajax-push:5000,idle:19000]"
              + " [--warmup S] [--measure S] [--push S] [--drain S] [--ws-rate MSGS]"
              + " [--ajax-rate MSGS]"
              + " [--loops N] [--jvm \"-Xmx2g ...\"]");
      return;
    }
    Path benchDir = Plan.findBenchDir();
    Path out = benchDir.resolveSibling("docs/bench");
    Plan plan =
        "smoke".equals(args[0])
            ? Plan.smoke(benchDir, Plan.ALL_SYSTEMS, false)
            : Plan.full(benchDir, out);
    for (int i = 1; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      plan =
          switch (args[i]) {
            case "--out" -> plan.withOutDir(Path.of(value));
            case "--systems" -> plan.withSystems(Arrays.asList(value.split(",")));
            case "--scenarios" ->
                plan.withScenarios(Arrays.stream(value.split(",")).map(Scenario::parse).toList());
            case "--warmup" -> plan.withTimes(seconds(value), plan.measure(), plan.pushDuration());
            case "--measure" -> plan.withTimes(plan.warmUp(), seconds(value), plan.pushDuration());
            case "--push" -> plan.withTimes(plan.warmUp(), plan.measure(), seconds(value));
            case "--drain" -> plan.withDrain(seconds(value));
            case "--ws-rate" -> plan.withPushRates(Long.parseLong(value), plan.ajaxPushRate());
            case "--ajax-rate" -> plan.withPushRates(plan.wsPushRate(), Long.parseLong(value));
            case "--loops" -> plan.withLoops(Integer.parseInt(value));
            case "--jvm" -> plan.withServerJvmOptions(Arrays.asList(value.trim().split("\\s+")));
            default -> throw new IllegalArgumentException("unknown option " + args[i]);
          };
    }
    Instant started = Instant.now();
    double loadBefore = ProcStats.loadAverage();
    List<Result> results = run(plan, System.out);
    Report report = new Report(results);
    System.out.println();
    System.out.println(report.resultsTable());
    System.out.println(report.ratioTable());
    System.out.println(report.idleTable());
    if (report.hasCluster()) {
      System.out.println(report.clusterTable());
    }
    if (plan.outDir().isPresent()) {
      write(plan, report, results, started, loadBefore);
    }
  }

  private static Duration seconds(String value) {
    return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
  }

  /**
   * Runs the plan: scenario by scenario, each system in turn, so that every ratio compares figures
   * taken minutes apart at most. One long-lived server per system; the idle scenario starts a fresh
   * one (for clean memory figures) and stops it after.
   */
  static List<Result> run(Plan plan, PrintStream log) throws IOException, InterruptedException {
    List<Result> results = new ArrayList<>();
    Map<String, Target> targets = new LinkedHashMap<>();
    try (Load load = Load.create(plan.loops())) {
      Runner runner = new Runner(plan, load);
      for (Scenario scenario : plan.scenarios()) {
        for (String system : plan.systems()) {
          boolean fresh = scenario.kind() == Scenario.Kind.IDLE;
          if (fresh) {
            closeAll(targets);
          }
          Target target = fresh ? start(system, plan) : targets.get(system);
          if (target == null) {
            target = start(system, plan);
            targets.put(system, target);
            if (plan.jitWarmUp()) {
              warmUp(plan, load, target, log);
            }
          }
          try {
            Result result = runner.run(target, scenario);
            results.add(result);
            log.println(Report.line(result));
          } catch (IOException | RuntimeException e) {
            log.println(scenario.label() + " " + system + " FAILED: " + e);
            if (ClusterTarget.isCluster(system)) {
              // kept in the report: a node that went down under load is a finding
              results.add(failed(system, scenario, e, target.health()));
            }
            load.closeAll();
            targets.remove(system);
            target.close();
          } finally {
            if (fresh) {
              target.close();
            }
          }
          Thread.sleep(plan.settle().toMillis());
        }
      }
    } finally {
      closeAll(targets);
    }
    return results;
  }

  /**
   * Runs every workload briefly on a new server, unmeasured, so that the measured scenarios see
   * compiled code (the JIT of a fresh JVM keeps compiling for tens of seconds).
   */
  private static void warmUp(Plan plan, Load load, Target target, PrintStream log)
      throws IOException, InterruptedException {
    Plan quick =
        plan.withTimes(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3));
    Runner runner = new Runner(quick, load);
    for (String id :
        List.of("ws-rr:100", "ws-push:100@100000", "ajax-rr:100", "ajax-push:100@10000")) {
      runner.run(target, Scenario.parse(id));
    }
    log.println("(" + target.system() + " warmed up)");
  }

  /** A scenario that did not complete: no figures, what went wrong as its health. */
  private static Result failed(String system, Scenario scenario, Exception e, String health) {
    return new Result(system, scenario, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, -1, -1, -1)
        .withRedis(-1, -1, -1, -1, "FAILED: " + e.getMessage() + "; " + health);
  }

  private static void closeAll(Map<String, Target> targets) {
    targets.values().forEach(Target::close);
    targets.clear();
  }

  private static Target start(String system, Plan plan) throws IOException {
    if (ClusterTarget.isCluster(system)) {
      return ClusterTarget.start(system, plan);
    }
    if (plan.inProcess() && !"socketio".equals(system)) {
      return new LocalTarget(system);
    }
    return ProcessTarget.start(system, plan);
  }

  private static void write(
      Plan plan, Report report, List<Result> results, Instant started, double loadBefore)
      throws IOException {
    Path out = plan.outDir().orElseThrow();
    Files.createDirectories(out);
    Files.writeString(out.resolve("results.csv"), report.csv());
    Chart.write(out.resolve("request-reply.png"), "Request/reply", results, Scenario.Kind.WS_RR);
    Chart.write(out.resolve("fan-out.png"), "Push fan-out", results, Scenario.Kind.WS_PUSH);
    String md =
        "# Benchmark run "
            + started
            + "\n\n"
            + "- machine: "
            + ProcStats.machine()
            + "\n- load average (1 min) before / after: "
            + String.format(Locale.ROOT, "%.2f / %.2f", loadBefore, ProcStats.loadAverage())
            + "\n- Java: "
            + System.getProperty("java.vm.name")
            + " "
            + Runtime.version()
            + "; server JVM options: "
            + String.join(" ", plan.serverJvmOptions())
            + "\n- Node: "
            + nodeVersion()
            + "; generator: "
            + plan.loops()
            + " selector threads, in its own JVM"
            + "\n- phases: warm-up "
            + plan.warmUp().toMillis()
            + " ms, measured "
            + plan.measure().toMillis()
            + " ms, push loop "
            + plan.pushDuration().toMillis()
            + " ms at the offered rate in each scenario's name, then at least "
            + plan.drain().toMillis()
            + " ms for the last messages; idle CPU over "
            + Runner.idleCpuWindow(plan).toSeconds()
            + " s\n\n## Results\n\n"
            + report.resultsTable()
            + "\n## Ours as a ratio\n\n"
            + report.ratioTable()
            + "\n## Idle connections\n\n"
            + report.idleTable()
            + (report.hasCluster()
                ? "\n## Several nodes over Redis\n\n" + report.clusterTable()
                : "");
    Files.writeString(out.resolve("results.md"), md);
  }

  private static String nodeVersion() {
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return v;
    } catch (IOException e) {
      return "not found";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
