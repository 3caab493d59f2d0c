package dev.sente.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's smoke run: every scenario against every system with ten connections for about a
 * second, so that the harness never rots. The numbers mean nothing here; that messages flowed and
 * the report has its rows is what counts. Socket.IO runs when the build's {@code npm ci} installed
 * it (it always does, unless the tests are skipped).
 */
class BenchSmokeTest {

  @Test
  void everyScenarioExchangesMessagesWithEverySystemAndTheReportHasItsRows(@TempDir Path out)
      throws Exception {
    Path benchDir = Plan.findBenchDir();
    boolean socketIo = Files.isDirectory(benchDir.resolve("node_modules/socket.io"));
    List<String> systems = socketIo ? Plan.ALL_SYSTEMS : List.of("sente", "jetty");
    Plan plan = Plan.smoke(benchDir, systems, true);

    List<Result> results = Bench.run(plan, System.out);

    assertThat(results).hasSize(systems.size() * Scenario.Kind.values().length);
    for (Result r : results) {
      String what = r.system() + " " + r.scenario().label();
      assertThat(r.opened()).as(what).isEqualTo(10);
      switch (r.scenario().kind()) {
        case WS_RR, AJAX_RR -> {
          assertThat(r.count()).as(what).isPositive();
          assertThat(r.p99()).as(what).isPositive();
        }
        case WS_PUSH, AJAX_PUSH -> {
          assertThat(r.expected()).as(what).isPositive();
          assertThat(r.count()).as(what).isEqualTo(r.expected());
        }
        case IDLE -> {
          assertThat(r.count()).as(what).isEqualTo(10);
          assertThat(r.heapPerConnection()).as(what).isNotNegative();
        }
      }
    }
    Report report = new Report(results);
    for (String system : systems) {
      assertThat(report.resultsTable()).contains("| " + system + " |");
      assertThat(report.idleTable()).contains("| " + system + " |");
    }
    assertThat(report.ratioTable()).contains("request/reply, WebSocket, 10 |");
    Path chart = out.resolve("request-reply.png");
    Chart.write(chart, "Request/reply", results, Scenario.Kind.WS_RR);
    byte[] png = Files.readAllBytes(chart);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }

  /**
   * The cluster systems, briefly: two Sente nodes (in this JVM) and two Socket.IO nodes with the
   * Redis adapter, each pair on a redis-server of its own (the machine's: CI installs it). Every
   * push of the first node reaches the clients of both, and Redis's figures are read.
   */
  @Test
  void theClusterSystemsDeliverEveryPushThroughRedisAndTheReportHasTheirRows() throws Exception {
    Path benchDir = Plan.findBenchDir();
    assertThat(benchDir.resolve("node_modules/@socket.io/redis-adapter"))
        .as("the Socket.IO Redis adapter (npm ci in sente-bench installs it)")
        .isDirectory();
    List<String> systems = List.of("sente-cluster2", "socketio-redis2");
    Plan plan =
        Plan.smoke(benchDir, systems, true)
            .withScenarios(List.of(Scenario.parse("ws-rr:10"), Scenario.parse("ws-push:10")));

    List<Result> results = Bench.run(plan, System.out);

    assertThat(results).hasSize(systems.size() * 2);
    for (Result r : results) {
      String what = r.system() + " " + r.scenario().label();
      assertThat(r.opened()).as(what).isEqualTo(10);
      assertThat(r.count()).as(what).isPositive();
      if (r.scenario().kind() == Scenario.Kind.WS_PUSH) {
        assertThat(r.count()).as(what).isEqualTo(r.expected());
        assertThat(r.redisCommands()).as(what).isPositive();
      }
      assertThat(r.redisCpuMillis()).as(what).isNotNegative();
      assertThat(r.health()).as(what).contains("all 2 nodes up");
    }
    Report report = new Report(results);
    assertThat(report.hasCluster()).isTrue();
    for (String system : systems) {
      assertThat(report.clusterTable()).contains("| " + system + " |");
    }
    assertThat(report.csv()).contains(",sente-cluster2,");
  }

  @Test
  void scenariosParseWithAndWithoutAnOfferedRate() {
    assertThat(Scenario.parse("ws-rr:1000")).isEqualTo(new Scenario(Scenario.Kind.WS_RR, 1000, 0));
    assertThat(Scenario.parse("ajax-push:5_000@5000"))
        .isEqualTo(new Scenario(Scenario.Kind.AJAX_PUSH, 5000, 5000));
    assertThat(Scenario.parse("ws-push:1000@20000").label())
        .isEqualTo("push fan-out, WebSocket, 1,000 (offered 20,000/s)");
  }
}
