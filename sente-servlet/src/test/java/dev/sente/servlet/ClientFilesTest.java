package dev.sente.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The browser client, from sente-js on the classpath, at {@code /sente/}. */
class ClientFilesTest {

  private final SenteServer sente = SenteServer.builder().build();
  private final TomcatServer tomcat = TomcatServer.start(sente);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    tomcat.close();
    sente.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(tomcat.uri().resolve(path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesSenteJsAsJavaScriptWithNosniffAndRevalidation() throws Exception {
    String expected =
        new String(
            Objects.requireNonNull(
                    getClass()
                        .getClassLoader()
                        .getResourceAsStream("META-INF/resources/sente/sente.js"))
                .readAllBytes(),
            StandardCharsets.UTF_8);

    HttpResponse<String> script = get("/sente/sente.js");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
    assertThat(script.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(script.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(script.body()).isEqualTo(expected).contains("export function connect(");
    String etag = script.headers().firstValue("ETag").orElseThrow();
    assertThat(get("/sente/sente.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
  }

  @Test
  void servesTheTypeDeclarationsAsText() throws Exception {
    HttpResponse<String> types = get("/sente/sente.d.ts");

    assertThat(types.statusCode()).isEqualTo(200);
    assertThat(types.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
  }

  @Test
  void unknownNamesFoldersAndPathsOutOfTheFolderAreNotFound() throws Exception {
    for (String path :
        new String[] {"/sente/nope.js", "/sente/", "/sente", "/sente/..%2fsente/sente.js"}) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isIn(400, 404);
      assertThat(response.body()).as(path).doesNotContain("export function connect(");
    }
    assertThat(get("/sente/../META-INF/MANIFEST.MF").statusCode()).isIn(400, 404);
  }

  @Test
  void theEndpointAnswersAtItsPath() throws Exception {
    HttpResponse<String> response = get("/chsk");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("Missing client-id");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }
}
