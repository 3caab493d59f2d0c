package dev.sente.jetty.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.core.Packed;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpExchangeTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeEndpoint endpoint = new FakeEndpoint();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .cookieHandler(new CookieManager())
          .build();
  private JettyServer server;

  @BeforeEach
  void start() {
    Handler login =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            if (!Request.getPathInContext(request).equals("/login")) {
              return false;
            }
            SenteJetty.setSessionAttribute(request, "uid", "alice");
            response.setStatus(204);
            callback.succeeded();
            return true;
          }
        };
    server =
        SenteJetty.server(new FakeSente(endpoint)).host("localhost").port(0).before(login).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri().resolve(pathAndQuery));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpExchange nextExchange() throws InterruptedException {
    HttpExchange exchange = endpoint.exchanges.poll(5, TimeUnit.SECONDS);
    assertThat(exchange).as("an exchange reached the endpoint").isNotNull();
    return exchange;
  }

  @Test
  void theEndpointSeesDecodedQueryHeadersCookiesAndTheRemoteAddress() throws Exception {
    endpoint.behave(exchange -> exchange.respond(200, "text/plain", "ok".getBytes()));

    HttpResponse<String> response =
        get(
            "/chsk?client-id=c1&x=a%20b&x=c&u=%C3%A9t%C3%A9&empty=",
            "X-Test", "v1", "Cookie", "a=1; b=two");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    HttpExchange exchange = nextExchange();
    assertThat(exchange.method()).isEqualTo("GET");
    assertThat(exchange.path()).isEqualTo("/chsk");
    assertThat(exchange.scheme()).isEqualTo("http");
    assertThat(exchange.host()).contains("localhost:" + server.port());
    assertThat(exchange.queryParams())
        .containsExactly(
            Map.entry("client-id", List.of("c1")),
            Map.entry("x", List.of("a b", "c")),
            Map.entry("u", List.of("été")),
            Map.entry("empty", List.of("")));
    assertThat(exchange.clientId()).contains("c1");
    assertThat(exchange.header("x-TEST")).contains("v1");
    assertThat(exchange.header("X-Missing")).isEmpty();
    assertThat(exchange.cookie("b")).contains("two");
    assertThat(exchange.cookie("c")).isEmpty();
    assertThat(exchange.principal()).isEmpty();
    assertThat(exchange.sessionAttribute("uid")).isEmpty();
    assertThat(exchange.remoteAddress()).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(exchange.isWebSocketUpgrade()).isFalse();
  }

  @Test
  void requestsForOtherPathsAreDeclined() throws Exception {
    assertThat(get("/other").statusCode()).isEqualTo(404);
    assertThat(get("/chsk/more").statusCode()).isEqualTo(404);
    assertThat(endpoint.exchanges).isEmpty();
  }

  @Test
  void aSessionAttributeSetAtLoginIsSeenByTheEndpoint() throws Exception {
    assertThat(get("/login").statusCode()).isEqualTo(204);

    get("/chsk");

    assertThat(nextExchange().sessionAttribute("uid")).contains("alice");
  }

  @Test
  void theBodyIsReadWhole() throws Exception {
    endpoint.behave(
        exchange ->
            exchange.readBody(FakeEndpoint.MAX_BYTES, new RespondingBodyCallback(exchange)));
    String body = "x".repeat(3000) + "é";

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/chsk"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(body);
  }

  @Test
  void aBodyDeclaredTooLargeIsRefusedBeforeItArrives() throws Exception {
    endpoint.behave(
        exchange ->
            exchange.readBody(FakeEndpoint.MAX_BYTES, new RespondingBodyCallback(exchange)));
    try (RawClient client = new RawClient(server.port())) {
      client.send(
          "POST /chsk HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n0123456789");

      assertThat(client.readHead()).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void aStreamedBodyIsRefusedAsSoonAsItPassesTheLimit() throws Exception {
    endpoint.behave(
        exchange ->
            exchange.readBody(FakeEndpoint.MAX_BYTES, new RespondingBodyCallback(exchange)));
    try (RawClient client = new RawClient(server.port())) {
      client.send("POST /chsk HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "3e8\r\n" + "y".repeat(1000) + "\r\n";
      for (int i = 0; i < 5; i++) {
        client.send(chunk);
      }
      // the terminating chunk never comes: the refusal must not wait for the end of the body

      assertThat(client.readHead()).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void aHeldPollIsCompletedFromAnotherThreadExactlyOnce() throws Exception {
    AtomicReference<LongPollChannel> held = new AtomicReference<>();
    endpoint.behave(exchange -> held.set(exchange.hold()));

    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(
            HttpRequest.newBuilder(server.uri().resolve("/chsk")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(WAIT).until(() -> held.get() != null);
    assertThat(response).isNotDone();
    LongPollChannel channel = held.get();
    assertThat(channel.isOpen()).isTrue();

    CompletableFuture<Boolean> completed =
        CompletableFuture.supplyAsync(() -> channel.complete(Packed.text("[\"pushed\"]")));

    assertThat(completed.get(5, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> answer = response.get(5, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("[\"pushed\"]");
    assertThat(answer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.complete(Packed.text("again"))).isFalse();
  }

  @Test
  void aClientThatAbortsAHeldPollIsReportedGoneOnce() throws Exception {
    AtomicReference<LongPollChannel> held = new AtomicReference<>();
    AtomicInteger gone = new AtomicInteger();
    endpoint.behave(
        exchange -> {
          LongPollChannel channel = exchange.hold();
          channel.onGone(gone::incrementAndGet);
          held.set(channel);
        });
    RawClient client = new RawClient(server.port());
    client.send("GET /chsk?client-id=c1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await().atMost(WAIT).until(() -> held.get() != null);

    client.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(gone).hasValue(1));
    LongPollChannel channel = held.get();
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.complete(Packed.text("late"))).isFalse();
    channel.onGone(gone::incrementAndGet);
    assertThat(gone).as("an action added after the client left runs at once").hasValue(2);
  }

  @Test
  void aMalformedQueryIsAnswered400WithoutReachingTheEndpoint() throws Exception {
    try (RawClient client = new RawClient(server.port())) {
      client.send("GET /chsk?client-id=%C3%28 HTTP/1.1\r\nHost: localhost\r\n\r\n");

      assertThat(client.readHead()).startsWith("HTTP/1.1 400");
    }
    assertThat(endpoint.exchanges).isEmpty();
  }

  @Test
  void anEndpointThatThrowsIsAnswered500() throws Exception {
    endpoint.behave(
        exchange -> {
          throw new IllegalStateException("boom");
        });

    assertThat(get("/chsk").statusCode()).isEqualTo(500);
  }

  @Test
  void aSecondAnswerToOneExchangeIsRefused() throws Exception {
    AtomicReference<Throwable> second = new AtomicReference<>();
    endpoint.behave(
        exchange -> {
          exchange.respond(200, "text/plain", new byte[0]);
          try {
            exchange.respond(500, "text/plain", new byte[0]);
          } catch (RuntimeException e) {
            second.set(e);
          }
        });

    assertThat(get("/chsk").statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> second.get() != null);
    assertThat(second.get()).isInstanceOf(dev.sente.core.SenteException.class);
  }

  /** Echoes the body with 200, answers 413 when too large. */
  private static final class RespondingBodyCallback implements HttpExchange.BodyCallback {
    private final HttpExchange exchange;

    RespondingBodyCallback(HttpExchange exchange) {
      this.exchange = exchange;
    }

    @Override
    public void completed(byte[] body) {
      exchange.respond(200, "text/plain;charset=utf-8", body);
    }

    @Override
    public void tooLarge() {
      exchange.respond(413, "text/plain", "too large".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void failed(Throwable cause) {
      exchange.respond(400, "text/plain", new byte[0]);
    }
  }
}
