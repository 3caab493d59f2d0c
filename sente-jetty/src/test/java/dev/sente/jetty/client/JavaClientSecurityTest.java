package dev.sente.jetty.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.CsrfTokens;
import dev.sente.server.Rejection;
import dev.sente.server.SenteServer;
import dev.sente.testkit.client.RecordingClient;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CSRF tokens, origins, rejections and the AUTO fallback against the real server. */
class JavaClientSecurityTest {

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void aClientWithTheSessionsCsrfTokenConnects(Transport transport) {
    SenteServer sente = SenteServer.builder().csrf().build();
    try (JettyServer jetty = SenteJetty.serve(sente, 0)) {
      CsrfTokens.Issued issued = sente.csrfTokens().orElseThrow().issue(Optional.empty());
      try (RecordingClient client =
          RecordingClient.build(
              SenteClient.builder(jetty.uri().resolve("/chsk"))
                  .transport(transport)
                  .cookie(CsrfTokens.COOKIE_NAME, issued.newCookie().orElseThrow())
                  .csrfToken(issued.token()))) {
        assertThat(client.connect().transport()).isEqualTo(transport);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void aWrongCsrfTokenIsRejectedAndTheClientStopsWhenToldTo(Transport transport) {
    SenteServer sente = SenteServer.builder().csrf().build();
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .transport(transport)
                    .csrfToken("forged")
                    .stopReconnectingOn(401, 403))) {
      client.client().connect();

      ClientState.Closed closed = client.awaitState(ClientState.Closed.class);

      assertThat(closed.reason()).isEqualTo(CloseReason.REJECTED);
      assertThat(closed.code()).hasValue(403);
      assertThat(closed.willReconnect()).isFalse();
      client.assertExhausted();
    }
  }

  @Test
  void aForeignOriginIsRejected() {
    SenteServer sente = SenteServer.builder().build();
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .transport(Transport.WEBSOCKET)
                    .origin("https://evil.example")
                    .stopReconnectingOn(403))) {
      client.client().connect();
      assertThat(client.awaitState(ClientState.Closed.class).code()).hasValue(403);
    }
  }

  @Test
  void autoFallsBackToAjaxWhenTheUpgradeIsRefused() {
    SenteServer sente =
        SenteServer.builder()
            .rejectWhen(
                request ->
                    request.header("Upgrade").isPresent()
                        ? Optional.of(new Rejection(500, "no WebSockets today"))
                        : Optional.empty())
            .build();
    sente.on("echo/it", msg -> msg.reply("ok"));
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .backoff(attempt -> Duration.ofMillis(50)))) {
      ClientState.Open open = client.connect();

      assertThat(open.transport()).isEqualTo(Transport.AJAX);
      client.assertState(ClientState.Connecting.class);
      ClientState.Closed downgrading = client.assertState(ClientState.Closed.class);
      assertThat(downgrading.reason()).isEqualTo(CloseReason.DOWNGRADING);
      assertThat(downgrading.code()).hasValue(500);
      assertThat(client.request("echo/it", 1).value()).contains("ok");
    }
  }

  @Test
  void autoMovesBackToTheWebSocketWhenItWorksAgain() {
    AtomicBoolean refuse = new AtomicBoolean(true);
    SenteServer sente =
        SenteServer.builder()
            .rejectWhen(
                request ->
                    refuse.get() && request.header("Upgrade").isPresent()
                        ? Optional.of(new Rejection(503, "later"))
                        : Optional.empty())
            .build();
    try (JettyServer jetty = SenteJetty.serve(sente, 0);
        RecordingClient client =
            RecordingClient.build(
                SenteClient.builder(jetty.uri().resolve("/chsk"))
                    .upgradeRetryInterval(Duration.ofMillis(300)))) {
      assertThat(client.connect().transport()).isEqualTo(Transport.AJAX);
      client.clear();

      refuse.set(false);

      ClientState.Open open = client.awaitState(ClientState.Open.class);
      assertThat(open.transport()).isEqualTo(Transport.WEBSOCKET);
      assertThat(open.firstOpen()).isFalse();
    }
  }
}
