package dev.sente.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.Backoff;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import dev.sente.testkit.redis.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.TestInfo;

/**
 * The nodes of one test's cluster on a shared redis-server, under a prefix of the test's own: nodes
 * in this JVM (each a Jetty server on a free port), nodes in a JVM of their own (to kill with
 * SIGKILL), and clients; the test's {@link Closer} closes them all.
 */
final class ClusterNodes {
  /** Retries quickly (at once, then 40, 80, 160, 200 ms ...), to keep the tests short. */
  static final Backoff FAST =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200), Backoff.Jitter.NONE);

  /** A node in this JVM. */
  record Node(SenteServer sente, JettyServer jetty, RedisCluster cluster) {
    URI uri() {
      return URI.create("http://127.0.0.1:" + jetty.port() + "/chsk");
    }
  }

  /** A node in a JVM of its own ({@link ClusterNodeMain}), listening on {@code port}. */
  record Forked(Process process, int port) {
    URI uri() {
      return URI.create("http://127.0.0.1:" + port + "/chsk");
    }
  }

  private final RedisServer redis;
  private final Closer closer;
  private final String prefix;

  ClusterNodes(RedisServer redis, Closer closer, TestInfo test) {
    this.redis = redis;
    this.closer = closer;
    this.prefix =
        "t-"
            + Integer.toHexString(
                (test.getTestClass().orElseThrow().getName() + test.getDisplayName()).hashCode());
  }

  String prefix() {
    return prefix;
  }

  /** A node whose user id is the {@code user} cookie. */
  Node node() {
    return node(builder -> builder);
  }

  /** A node, its builder configured further by the test. */
  Node node(UnaryOperator<SenteServer.Builder> configure) {
    return node(redis.uri(), configure);
  }

  /** A node that reaches Redis at {@code redisUri} (through a fault proxy, say). */
  Node node(URI redisUri, UnaryOperator<SenteServer.Builder> configure) {
    RedisCluster cluster = RedisCluster.create(redisUri, prefix);
    SenteServer sente =
        closer.add(
            configure
                .apply(
                    SenteServer.builder()
                        .userId(request -> request.cookie("user"))
                        .cluster(cluster))
                .build());
    JettyServer jetty = closer.add(SenteJetty.server(sente).host("127.0.0.1").port(0).start());
    return new Node(sente, jetty, cluster);
  }

  /** A node in a JVM of its own, killed with SIGKILL after the test if still alive. */
  Forked forked() throws Exception {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            ClusterNodeMain.class.getName(),
            redis.uri().toString(),
            prefix);
    Path log = Files.createTempFile("sente-node", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    closer.add(process::destroyForcibly);
    BufferedReader fromNode =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = fromNode.readLine();
    assertThat(ready).as("the node's first line (log: " + log + ")").startsWith("ready ");
    return new Forked(process, Integer.parseInt(ready.substring("ready ".length()).trim()));
  }

  /** A client of the user (its {@code user} cookie), not connected yet. */
  SenteClient client(URI uri, String user, Transport transport) {
    return closer.add(
        SenteClient.builder(uri)
            .transport(transport)
            .cookie("user", user)
            .backoff(FAST)
            .upgradeRetryInterval(Duration.ofMillis(200))
            .build());
  }
}
