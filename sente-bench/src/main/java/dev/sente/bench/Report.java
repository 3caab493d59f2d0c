package dev.sente.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns results into the tables of docs/benchmarks.md (Markdown) and a CSV. */
final class Report {
  private final List<Result> results;

  Report(List<Result> results) {
    this.results = List.copyOf(results);
  }

  /** One row per scenario and system. */
  String resultsTable() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | system | open | throughput | p50 ms | p99 ms | p99.9 ms | server CPU | server"
            + " µs/msg | generator CPU | notes |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      if (r.scenario().kind() == Scenario.Kind.IDLE) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,.0f %s | %s | %s | %s | %.0f%% | %.1f | %.0f%% | %s |\n",
              r.scenario().label(),
              r.system(),
              r.opened(),
              r.perSecond(),
              r.scenario().kind().unit,
              millis(r.p50()),
              millis(r.p99()),
              millis(r.p999()),
              r.serverCpuPercent(),
              r.serverMicrosPerMessage(),
              r.generatorCpuPercent(),
              notes(r)));
    }
    return out.toString();
  }

  private static String notes(Result r) {
    List<String> notes = new ArrayList<>();
    if (r.expected() >= 0) {
      notes.add(
          String.format(
              Locale.ROOT,
              "offered %,.0f/s, delivered %,d of %,d",
              r.offeredPerSecond(),
              r.count(),
              r.expected()));
    }
    if (r.opened() < r.scenario().connections()) {
      notes.add("only " + r.opened() + " of " + r.scenario().connections() + " connected");
    }
    if (r.errors() > 0) {
      notes.add(r.errors() + " errors");
    }
    return String.join("; ", notes);
  }

  /** True when a cluster system ran. */
  boolean hasCluster() {
    return results.stream().anyMatch(r -> ClusterTarget.isCluster(r.system()));
  }

  /**
   * Several nodes over Redis: each cluster row beside the one-node row of its system in the same
   * scenario ({@code sente} for {@code sente-cluster<N>}, {@code socketio} for {@code
   * socketio-redis<N>}): throughput as a ratio, latency added, and what Redis spent.
   */
  String clusterTable() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | system | throughput | x one node | x socketio-redis2 | p50 ms | p99 ms | p99"
            + " added ms | server CPU (all nodes) | Redis CPU | Redis CPU ms / 1,000 msgs | Redis"
            + " commands (scripts) / 1,000 msgs | notes |\n");
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Map.Entry<Scenario, Map<String, Result>> e : byScenario().entrySet()) {
      Map<String, Result> row = e.getValue();
      for (Result r : row.values()) {
        if (!ClusterTarget.isCluster(r.system())) {
          continue;
        }
        Result one = row.get(r.system().startsWith("sente") ? "sente" : "socketio");
        Result peer = r.system().startsWith("sente") ? row.get("socketio-redis2") : null;
        List<String> notes = new ArrayList<>();
        notes.add(notes(r));
        if (!r.health().isEmpty()) {
          notes.add(r.health());
        }
        notes.removeIf(String::isEmpty);
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,.0f %s | %s | %s | %s | %s | %s | %.0f%% | %s | %s | %s | %s |\n",
                e.getKey().label(),
                r.system(),
                r.perSecond(),
                e.getKey().kind().unit,
                ratio(r, one, false),
                ratio(r, peer, false),
                millis(r.p50()),
                millis(r.p99()),
                one == null ? "-" : millis(r.p99() - one.p99()),
                r.serverCpuPercent(),
                r.redisCpuMillis() < 0 || r.wallMillis() <= 0
                    ? "-"
                    : String.format(
                        Locale.ROOT, "%.0f%%", 100.0 * r.redisCpuMillis() / r.wallMillis()),
                r.redisCpuMillisPerThousand() < 0
                    ? "-"
                    : String.format(Locale.ROOT, "%.1f", r.redisCpuMillisPerThousand()),
                r.redisCommandsPerThousand() < 0
                    ? "-"
                    : String.format(
                        Locale.ROOT,
                        "%.0f (%.1f)",
                        r.redisCommandsPerThousand(),
                        r.redisScriptsPerThousand()),
                String.join("; ", notes)));
      }
    }
    return out.toString();
  }

  /** Idle connections: held, heap and RSS per connection. */
  String idleTable() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| system | asked | held | heap / conn | RSS / conn (slope) | RSS / conn (total) | server"
            + " CPU idle |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      if (r.scenario().kind() != Scenario.Kind.IDLE) {
        continue;
      }
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %,d | %s | %s | %s | %.1f%% |\n",
              r.system(),
              r.scenario().connections(),
              r.count(),
              kib(r.heapPerConnection()),
              kib(r.rssPerConnection()),
              kib(r.rssTotalPerConnection()),
              r.serverCpuPercent()));
    }
    return out.toString();
  }

  /** Ours as a ratio to each peer, per scenario. */
  String ratioTable() {
    StringBuilder out = new StringBuilder();
    out.append(
        "| scenario | sente / socketio throughput | sente / jetty throughput | p99 sente : socketio :"
            + " jetty (ms) |\n");
    out.append("|---|---:|---:|---|\n");
    for (Map.Entry<Scenario, Map<String, Result>> e : byScenario().entrySet()) {
      Map<String, Result> row = e.getValue();
      Optional<Result> ours = Optional.ofNullable(row.get("sente"));
      if (ours.isEmpty()) {
        continue;
      }
      boolean idle = e.getKey().kind() == Scenario.Kind.IDLE;
      out.append("| ").append(e.getKey().label()).append(" | ");
      out.append(ratio(ours.get(), row.get("socketio"), idle)).append(" | ");
      out.append(ratio(ours.get(), row.get("jetty"), idle)).append(" | ");
      if (idle) {
        out.append(
            String.format(
                Locale.ROOT,
                "RSS/conn %s : %s : %s",
                kib(ours.get().rssPerConnection()),
                row.containsKey("socketio") ? kib(row.get("socketio").rssPerConnection()) : "-",
                row.containsKey("jetty") ? kib(row.get("jetty").rssPerConnection()) : "-"));
      } else {
        out.append(millis(ours.get().p99()))
            .append(" : ")
            .append(row.containsKey("socketio") ? millis(row.get("socketio").p99()) : "-")
            .append(" : ")
            .append(row.containsKey("jetty") ? millis(row.get("jetty").p99()) : "-");
      }
      out.append(" |\n");
    }
    return out.toString();
  }

  private static String ratio(Result ours, Result peer, boolean idle) {
    if (peer == null) {
      return "-";
    }
    if (idle) {
      return peer.rssPerConnection() <= 0
          ? "-"
          : String.format(
              Locale.ROOT, "%.2fx memory", ours.rssPerConnection() / peer.rssPerConnection());
    }
    return peer.perSecond() <= 0
        ? "-"
        : String.format(Locale.ROOT, "%.2fx", ours.perSecond() / peer.perSecond());
  }

  /** The results grouped by scenario, in run order. */
  Map<Scenario, Map<String, Result>> byScenario() {
    Map<Scenario, Map<String, Result>> rows = new LinkedHashMap<>();
    for (Result r : results) {
      rows.computeIfAbsent(r.scenario(), s -> new LinkedHashMap<>()).put(r.system(), r);
    }
    return rows;
  }

  /** Every figure, one line per result. */
  String csv() {
    StringBuilder out = new StringBuilder();
    out.append(
        "scenario,connections,offered_rate,system,opened,per_second,p50_us,p99_us,p999_us,count,expected,"
            + "offered_per_second,wall_ms,server_cpu_ms,generator_cpu_ms,errors,heap_per_conn,"
            + "rss_per_conn,rss_total_per_conn,redis_cpu_ms,redis_commands,redis_scripts,redis_failed,health\n");
    for (Result r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%s,%d,%.1f,%d,%d,%d,%d,%d,%.1f,%.0f,%.0f,%.0f,%d,%.0f,%.0f,%.0f,%.0f,%d,%d,%d,%s\n",
              r.scenario().kind().name().toLowerCase(Locale.ROOT),
              r.scenario().connections(),
              r.scenario().rate(),
              r.system(),
              r.opened(),
              r.perSecond(),
              r.p50(),
              r.p99(),
              r.p999(),
              r.count(),
              r.expected(),
              r.offeredPerSecond(),
              r.wallMillis(),
              r.serverCpuMillis(),
              r.generatorCpuMillis(),
              r.errors(),
              r.heapPerConnection(),
              r.rssPerConnection(),
              r.rssTotalPerConnection(),
              r.redisCpuMillis(),
              r.redisCommands(),
              r.redisScripts(),
              r.redisFailed(),
              '"' + r.health().replace('"', '\'') + '"'));
    }
    return out.toString();
  }

  /** One result as a log line. */
  static String line(Result r) {
    if (r.scenario().kind() == Scenario.Kind.IDLE) {
      return String.format(
          Locale.ROOT,
          "%-40s %-8s held %,d of %,d; heap %s, RSS %s (slope) %s (total) per conn; server %.1f%%",
          r.scenario().label(),
          r.system(),
          r.count(),
          r.scenario().connections(),
          kib(r.heapPerConnection()),
          kib(r.rssPerConnection()),
          kib(r.rssTotalPerConnection()),
          r.serverCpuPercent());
    }
    String redis =
        r.redisCpuMillis() < 0
            ? ""
            : String.format(
                Locale.ROOT,
                "  redis %.0f ms CPU; per 1,000 msgs %.1f ms, %.0f commands, %.1f scripts; %s",
                r.redisCpuMillis(),
                r.redisCpuMillisPerThousand(),
                r.redisCommandsPerThousand(),
                r.redisScriptsPerThousand(),
                r.health());
    if (r.redisCpuMillis() < 0 && !r.health().isEmpty()) {
      redis = "  " + r.health();
    }
    return String.format(
        Locale.ROOT,
        "%-40s %-8s %,10.0f %-13s p50 %8s p99 %8s p99.9 %8s ms  server %4.0f%% gen %4.0f%%  %s%s",
        r.scenario().label(),
        r.system(),
        r.perSecond(),
        r.scenario().kind().unit,
        millis(r.p50()),
        millis(r.p99()),
        millis(r.p999()),
        r.serverCpuPercent(),
        r.generatorCpuPercent(),
        notes(r),
        redis);
  }

  static String millis(long micros) {
    return String.format(Locale.ROOT, micros >= 100_000 ? "%.0f" : "%.2f", micros / 1000.0);
  }

  static String kib(double bytes) {
    return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
