package dev.sente.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.IncomingEvent;
import dev.sente.client.SenteClient;
import dev.sente.server.SenteServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The README's quick start, as written there, with its page served from the classpath. */
class QuickStartTest {
  record ChatLine(String text) {}

  @Test
  void theReadmeQuickStartServesItsPageAndTalksToAClient() throws Exception {
    // --- as in the README
    SenteServer sente =
        SenteServer.builder()
            .userId(request -> request.sessionAttribute("uid")) // anonymous when empty
            .build();
    sente.on(
        "chat/send",
        msg -> {
          ChatLine line = msg.data(ChatLine.class);
          sente.broadcast("chat/line", line); // to every connected user
          msg.reply(true); // the page's Promise resolves
        });
    // --- port 0 instead of 8080; the page is src/test/resources/quickstart/index.html
    try (JettyServer server = SenteJetty.server(sente).port(0).staticFiles("quickstart").start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page = get(http, server.uri().resolve("/"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("import { connect } from \"/sente/sente.js\"");
      HttpResponse<String> client = get(http, server.uri().resolve("/sente/sente.js"));
      assertThat(client.statusCode()).isEqualTo(200);
      assertThat(client.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));

      List<IncomingEvent> lines = new CopyOnWriteArrayList<>();
      try (SenteClient chat = SenteClient.builder(server.uri().resolve("/chsk")).build()) {
        chat.on("chat/line", lines::add);
        chat.connect().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        Boolean saved =
            chat.request("chat/send", new ChatLine("hi"), Duration.ofSeconds(5), Boolean.class)
                .toCompletableFuture()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(saved).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !lines.isEmpty());
        assertThat(lines.get(0).data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
      }
    }
  }

  @Test
  void aMissingStaticFolderFailsTheStart() {
    SenteServer sente = SenteServer.builder().build();
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> SenteJetty.server(sente).port(0).staticFiles("no-such-folder").start())
          .hasMessageContaining("no-such-folder");
    } finally {
      sente.close();
    }
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
