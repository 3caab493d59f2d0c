package dev.sente.jetty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.client.RecordingClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pings in both directions keep an idle WebSocket open against the real server. */
class JavaClientKeepAliveTest {

  @Test
  void theClientAnswersTheServersPingsAndStaysOpen() {
    AtomicInteger pongs = new AtomicInteger();
    SenteServer sente =
        SenteServer.builder()
            .keepAlive(Duration.ofMillis(300))
            .pingTimeout(Duration.ofMillis(500))
            .build();
    sente.on("chsk/ws-pong", msg -> pongs.incrementAndGet());
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .transport(Transport.WEBSOCKET)
                    .keepAlive(Duration.ofMinutes(5)))) {
      client.connect();
      client.clear();

      await().atMost(Duration.ofSeconds(10)).until(() -> pongs.get() >= 3);

      assertThat(client.client().state().isOpen()).isTrue();
      client.assertExhausted(); // no state change: never closed
    }
  }

  @Test
  void theServerAnswersTheClientsPingsAndTheClientStaysOpen() {
    AtomicInteger pings = new AtomicInteger();
    SenteServer sente = SenteServer.builder().build();
    sente.on("chsk/ws-ping", msg -> pings.incrementAndGet());
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .transport(Transport.WEBSOCKET)
                    .keepAlive(Duration.ofMillis(200))
                    .pingTimeout(Duration.ofSeconds(2)))) {
      client.connect();
      client.clear();

      await().atMost(Duration.ofSeconds(10)).until(() -> pings.get() >= 3);

      assertThat(client.client().state().isOpen()).isTrue();
      client.assertExhausted();
    }
  }
}
