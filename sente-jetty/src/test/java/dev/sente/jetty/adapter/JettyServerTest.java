package dev.sente.jetty.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sente.core.SenteException;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import dev.sente.server.spi.LongPollChannel;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JettyServerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeEndpoint endpoint = new FakeEndpoint();
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A handler answering one path with a text. */
  private static Handler answering(String path, String text) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        if (!Request.getPathInContext(request).equals(path)) {
          return false;
        }
        Content.Sink.write(response, true, text, callback);
        return true;
      }
    };
  }

  @Test
  void serveOnPortZeroListensOnAFreePortThatUriNames() throws Exception {
    FakeSente sente = new FakeSente(endpoint);
    try (JettyServer server = SenteJetty.serve(sente, 0)) {
      assertThat(server.port()).isPositive();
      assertThat(server.uri()).isEqualTo(URI.create("http://localhost:" + server.port()));

      assertThat(get(server.uri().resolve("/chsk")).statusCode()).isEqualTo(200);
      assertThat(get(server.uri().resolve("/nothing")).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void closeStopsJettyClosesSenteAndIsIdempotent() throws Exception {
    FakeSente sente = new FakeSente(endpoint);
    JettyServer server = SenteJetty.server(sente).host("localhost").port(0).start();
    int port = server.port();

    server.close();
    server.close();

    assertThat(sente.closes).hasValue(1);
    assertThat(server.jetty().isStopped()).isTrue();
    assertThatThrownBy(() -> new Socket("localhost", port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void closeEndsHeldPollsAndOpenSockets() throws Exception {
    FakeSente sente = new FakeSente(endpoint);
    JettyServer server = SenteJetty.server(sente).host("localhost").port(0).start();
    AtomicInteger gone = new AtomicInteger();
    AtomicReference<LongPollChannel> held = new AtomicReference<>();
    RecordingListener socket = new RecordingListener();
    endpoint.behave(
        exchange -> {
          if (exchange.isWebSocketUpgrade()) {
            exchange.upgrade(FakeEndpoint.MAX_BYTES, socket);
          } else {
            LongPollChannel channel = exchange.hold();
            channel.onGone(gone::incrementAndGet);
            held.set(channel);
          }
        });
    WsClient client =
        WsClient.connect(http, URI.create("ws://localhost:" + server.port() + "/chsk"));
    CompletableFuture<HttpResponse<String>> poll =
        http.sendAsync(
            HttpRequest.newBuilder(server.uri().resolve("/chsk")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(WAIT).until(() -> held.get() != null && socket.channel != null);

    server.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(gone).hasValue(1));
    await().atMost(WAIT).untilAsserted(() -> assertThat(socket.closes).hasValue(1));
    assertThat(held.get().isOpen()).isFalse();
    assertThat(client.closeCode).succeedsWithin(WAIT);
    assertThat(poll).failsWithin(WAIT);
  }

  @Test
  void aTakenPortFailsWithSenteExceptionAndLeavesSenteOpen() throws Exception {
    FakeSente first = new FakeSente(endpoint);
    FakeSente second = new FakeSente(new FakeEndpoint());
    try (JettyServer server = SenteJetty.server(first).host("localhost").port(0).start()) {
      assertThatThrownBy(
              () -> SenteJetty.server(second).host("localhost").port(server.port()).start())
          .isInstanceOf(SenteException.class)
          .hasMessageContaining(String.valueOf(server.port()));
      assertThat(second.closes).hasValue(0);
    }
  }

  @Test
  void handlersBeforeAndAfterSenteSeeRequestsInOrder() throws Exception {
    AtomicInteger seenBefore = new AtomicInteger();
    Handler counting =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            seenBefore.incrementAndGet();
            return false;
          }
        };
    try (JettyServer server =
        SenteJetty.server(new FakeSente(endpoint))
            .host("localhost")
            .port(0)
            .before(counting)
            .before(answering("/first", "before"))
            .after(answering("/chsk", "never"))
            .after(answering("/page", "after"))
            .start()) {
      assertThat(get(server.uri().resolve("/first")).body()).isEqualTo("before");
      assertThat(get(server.uri().resolve("/page")).body()).isEqualTo("after");
      assertThat(get(server.uri().resolve("/chsk")).body()).isEmpty();
      assertThat(endpoint.exchanges).hasSize(1);
      assertThat(seenBefore).hasValue(3);
    }
  }

  @Test
  void theBrowserClientIsServedFromTheClasspathWithItsContentType(@TempDir Path dir)
      throws Exception {
    Path files = Files.createDirectories(dir.resolve("META-INF/resources/sente"));
    Files.writeString(files.resolve("probe.js"), "export const probe = 1;\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
        JettyServer server =
            SenteJetty.server(new FakeSente(endpoint))
                .host("localhost")
                .port(0)
                .classLoader(loader)
                .start()) {
      HttpResponse<String> script = get(server.uri().resolve("/sente/probe.js"));

      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.body()).isEqualTo("export const probe = 1;\n");
      assertThat(script.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
      assertThat(get(server.uri().resolve("/sente/missing.js")).statusCode()).isEqualTo(404);
      assertThat(get(server.uri().resolve("/sente/")).statusCode()).isIn(403, 404);
    }
  }

  @Test
  void csrfTokenSetsTheCookieOnceAndMatchesWhatTheTokensExpect() throws Exception {
    FakeSente sente = new FakeSente(endpoint, SenteServer.builder().csrf());
    Handler page =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String token = SenteJetty.csrfToken(sente, request, response);
            String again = SenteJetty.csrfToken(sente, request, response);
            Content.Sink.write(response, true, token + " " + again, callback);
            return true;
          }
        };
    try (JettyServer server =
        SenteJetty.server(sente).host("localhost").port(0).after(page).start()) {
      HttpResponse<String> first = get(server.uri().resolve("/page"));

      List<String> cookies = first.headers().allValues("Set-Cookie");
      assertThat(cookies).hasSize(1);
      String cookie = cookies.get(0);
      assertThat(cookie)
          .startsWith(CsrfTokens.COOKIE_NAME + "=")
          .containsIgnoringCase("HttpOnly")
          .containsIgnoringCase("SameSite=Lax")
          .containsIgnoringCase("Path=/")
          .doesNotContainIgnoringCase("Secure");
      String value = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
      String[] tokens = first.body().split(" ");
      assertThat(tokens[0]).isEqualTo(tokens[1]);
      String expected = sente.csrfTokens().orElseThrow().issue(Optional.of(value)).token();
      assertThat(tokens[0]).isEqualTo(expected);

      HttpResponse<String> second =
          get(server.uri().resolve("/page"), "Cookie", CsrfTokens.COOKIE_NAME + "=" + value);
      assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
      assertThat(second.body().split(" ")[0]).isEqualTo(expected);
    }
  }

  @Test
  void csrfTokenWithoutBuiltInTokensThrowsSenteException() throws Exception {
    FakeSente sente = new FakeSente(endpoint);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Handler page =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            try {
              SenteJetty.csrfToken(sente, request, response);
            } catch (RuntimeException e) {
              thrown.set(e);
            }
            callback.succeeded();
            return true;
          }
        };
    try (JettyServer server =
        SenteJetty.server(sente).host("localhost").port(0).after(page).start()) {
      get(server.uri().resolve("/page"));
    }
    assertThat(thrown.get()).isInstanceOf(SenteException.class).hasMessageContaining(".csrf()");
  }

  @Test
  void theHandlerMountsInAPlainJettyServerWithWebSockets() throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("localhost");
    jetty.addConnector(connector);
    jetty.setHandler(
        new Handler.Sequence(
            answering("/hello", "hi"), SenteJetty.handler(new FakeSente(endpoint))));
    RecordingListener listener =
        new RecordingListener((channel, message) -> channel.send(message, new NoCallback()));
    endpoint.behave(exchange -> exchange.upgrade(FakeEndpoint.MAX_BYTES, listener));
    jetty.start();
    try {
      URI base = URI.create("http://localhost:" + connector.getLocalPort());
      assertThat(get(base.resolve("/hello")).body()).isEqualTo("hi");
      WsClient client =
          WsClient.connect(
              http, URI.create("ws://localhost:" + connector.getLocalPort() + "/chsk"));

      client.socket.sendText("ping", true).get(5, TimeUnit.SECONDS);

      await().atMost(WAIT).until(() -> client.received.size() == 1);
      assertThat(client.received).containsExactly("ping");
      assertThat(endpoint.exchanges.poll().sessionAttribute("uid")).isEmpty();
    } finally {
      jetty.stop();
    }
  }

  @Test
  void sessionHelpersNeedASessionHandler() throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("localhost");
    jetty.addConnector(connector);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Optional<Object>> read = new AtomicReference<>();
    jetty.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            read.set(SenteJetty.sessionAttribute(request, "uid"));
            SenteJetty.removeSessionAttribute(request, "uid");
            try {
              SenteJetty.setSessionAttribute(request, "uid", "alice");
            } catch (RuntimeException e) {
              thrown.set(e);
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            callback.succeeded();
            return true;
          }
        });
    jetty.start();
    try {
      get(URI.create("http://localhost:" + connector.getLocalPort() + "/login"));
    } finally {
      jetty.stop();
    }
    assertThat(read.get()).isEmpty();
    assertThat(thrown.get())
        .isInstanceOf(SenteException.class)
        .hasMessageContaining("SessionHandler");
  }

  /** Ignores the outcome of a write. */
  private static final class NoCallback
      implements dev.sente.server.spi.WebSocketChannel.WriteCallback {
    @Override
    public void succeeded() {}

    @Override
    public void failed(Throwable cause) {}
  }
}
