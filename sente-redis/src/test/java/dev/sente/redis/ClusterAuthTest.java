package dev.sente.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Redis that wants a password: the cluster's URI carries it, and a wrong one fails the build. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterAuthTest {
  @RegisterExtension final Closer closer = new Closer();

  private SenteServer node(URI redis) {
    return closer.add(
        SenteServer.builder()
            .userId(request -> request.cookie("user"))
            .cluster(RedisCluster.create(redis, "auth"))
            .build());
  }

  @Test
  void theUriCarriesThePasswordAndAWrongOneFailsTheBuildSayingWhy() throws Exception {
    RedisServer redis = closer.add(RedisServer.start());
    assertThat(redis.command("CONFIG", "SET", "requirepass", "s3cret")).isEqualTo("OK");
    URI good = URI.create("redis://:s3cret@127.0.0.1:" + redis.port());
    URI bad = URI.create("redis://:wrong@127.0.0.1:" + redis.port());

    assertThatThrownBy(() -> node(bad)).rootCause().hasMessageContaining("WRONGPASS");

    SenteServer one = node(good);
    SenteServer two = node(good);
    JettyServer jetty = closer.add(SenteJetty.server(one).host("127.0.0.1").port(0).start());
    SenteClient alice =
        closer.add(
            SenteClient.builder(URI.create("http://127.0.0.1:" + jetty.port() + "/chsk"))
                .transport(Transport.WEBSOCKET)
                .cookie("user", "alice")
                .build());
    DeliveryCounter counter = DeliveryCounter.onClient(alice, "test/n");
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> one.connectedUsers().any().contains("alice"));
    for (long seq = 1; seq <= 20; seq++) {
      two.send("alice", "test/n", DeliveryCounter.numbered(seq));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> counter.distinct() == 20);
    assertThat(counter.report(20).perfect()).as(counter.report(20).toString()).isTrue();
  }
}
