package dev.sente.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.server.SenteServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code staticFiles}: a classpath folder served at {@code /}, next to the browser client at {@code
 * /sente/sente.js}. (The README's quick start itself runs in sente-demo's QuickStartTest.)
 */
class StaticFilesTest {

  @Test
  void servesTheFolderAtTheRootWithIndexHtmlAndTheBrowserClientBesideIt() throws Exception {
    SenteServer sente = SenteServer.builder().build();
    try (JettyServer server =
        SenteJetty.server(sente).host("127.0.0.1").port(0).staticFiles("static-site").start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page = get(http, server.uri().resolve("/"));
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body())
          .isEqualTo(
              Files.readString(
                  Path.of("src/test/resources/static-site/index.html"), StandardCharsets.UTF_8));
      HttpResponse<String> client = get(http, server.uri().resolve("/sente/sente.js"));
      assertThat(client.statusCode()).isEqualTo(200);
      assertThat(client.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
      assertThat(client.body()).contains("export function connect(");
    }
  }

  @Test
  void aMissingStaticFolderFailsTheStart() {
    SenteServer sente = SenteServer.builder().build();
    try {
      assertThatThrownBy(
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
