package dev.sente.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo's pages, login and options over real HTTP; the browser scenarios are elsewhere. */
class DemoServerTest {

  private static final Pattern META_TOKEN =
      Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

  private final DemoOptions options = DemoOptions.defaults();
  private DemoServer demo;
  private CookieManager cookies;
  private HttpClient http;

  @BeforeEach
  void start() {
    demo = DemoServer.start(0, options);
    cookies = new CookieManager();
    http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterEach
  void stop() {
    demo.close();
  }

  @Test
  void thePortComesFromTheArgumentThenTheEnvironmentThenTheDefault() {
    assertThat(DemoServer.port(new String[] {"--port", "9001"}, Map.of("PORT", "9002")))
        .isEqualTo(9001);
    assertThat(DemoServer.port(new String[] {"--port=9003"}, Map.of())).isEqualTo(9003);
    assertThat(DemoServer.port(new String[0], Map.of("PORT", " 9004 "))).isEqualTo(9004);
    assertThat(DemoServer.port(new String[0], Map.of())).isEqualTo(DemoServer.DEFAULT_PORT);
  }

  @Test
  void badPortArgumentsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> DemoServer.port(new String[] {"--port"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--port needs a number");
    assertThatThrownBy(() -> DemoServer.port(new String[] {"--port", "http"}, Map.of()))
        .hasMessageContaining("must be a number");
    assertThatThrownBy(() -> DemoServer.port(new String[0], Map.of("PORT", "70000")))
        .hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> DemoServer.port(new String[] {"--verbose"}, Map.of()))
        .hasMessageContaining("Unknown argument: --verbose");
  }

  @Test
  void thePageCarriesTheCsrfTokenOfItsCookieAndServesTheClient() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    String cookie = cookie(CsrfTokens.COOKIE_NAME).orElseThrow();
    assertThat(token(page)).isEqualTo(options.csrfTokens().issue(Optional.of(cookie)).token());
    assertThat(token(get("/"))).as("the same browser, the same token").isEqualTo(token(page));
    assertThat(get("/demo.js").body())
        .contains("import { connect, NIL_UID } from \"/sente/sente.js\"");
    assertThat(get("/sente/sente.js").statusCode()).isEqualTo(200);
    assertThat(get("/demo.css").headers().firstValue("Content-Type"))
        .contains("text/css;charset=utf-8");
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void loginNeedsThePagesCsrfTokenAndAValidUserId() throws Exception {
    String token = token(get("/"));

    assertThat(post("/login", "user-id=alice", Optional.empty()).statusCode()).isEqualTo(403);
    assertThat(post("/login", "user-id=alice", Optional.of("forged")).statusCode()).isEqualTo(403);
    for (String bad : List.of("", "%20", "a%2Fb", "anonymous", "x".repeat(33), "%3Cscript%3E")) {
      assertThat(post("/login", "user-id=" + bad, Optional.of(token)).statusCode())
          .as("user id %s", bad)
          .isEqualTo(400);
    }
    HttpResponse<String> ok = post("/login", "user-id=%20alice%20", Optional.of(token));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"userId\":\"alice\"}");
  }

  @Test
  void theLoginCookieIsSignedAndAForgedOneIsAnonymous() throws Exception {
    String alice = DemoLogin.sign("alice");
    assertThat(DemoLogin.verify(alice)).contains("alice");
    String bob = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("bob".getBytes());
    for (String forged :
        new String[] {bob + alice.substring(alice.indexOf('.')), bob, bob + ".", "..", "%%.%%"}) {
      assertThat(DemoLogin.verify(forged)).as(forged).isEmpty();
    }
    String token = token(get("/"));
    cookies
        .getCookieStore()
        .add(
            demo.uri(),
            new java.net.HttpCookie(DemoLogin.COOKIE, bob + alice.substring(alice.indexOf('.'))));
    assertThat(handshake(token))
        .as("a forged login cookie is no user")
        .startsWith("[[\"chsk/handshake\",[\"sente/nil-uid\",null,");
  }

  @Test
  void theLoggedInUserIsTheSenteUserUntilLogout() throws Exception {
    String token = token(get("/"));
    assertThat(handshake(token)).startsWith("[[\"chsk/handshake\",[\"sente/nil-uid\",null,");

    post("/login", "user-id=alice", Optional.of(token));
    String handshake = handshake(token);
    assertThat(handshake).startsWith("[[\"chsk/handshake\",[\"alice\",null,{");
    assertThat(handshake).contains("\"users\":[", "\"broadcasting\":false", "\"chat\":[]");

    assertThat(post("/logout", "", Optional.of(token)).body()).isEqualTo("{\"userId\":null}");
    assertThat(handshake(token)).startsWith("[[\"chsk/handshake\",[\"sente/nil-uid\",null,");
  }

  @Test
  void aLoginFormPostedWithoutScriptIsRedirectedToThePage() throws Exception {
    String token = token(get("/"));

    HttpResponse<String> response =
        post("/login", "user-id=bob&csrf-token=" + token, Optional.empty());

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location").orElseThrow()).endsWith("/");
    assertThat(handshake(token)).startsWith("[[\"chsk/handshake\",[\"bob\",null,");
  }

  @Test
  void aServerThatRefusesWebSocketsAnswersUpgradesWith403AndStillServesAjax() throws Exception {
    try (DemoServer refusing = DemoServer.start(0, options.withWebSocketsRefused(true))) {
      String token = token(send(HttpRequest.newBuilder(refusing.uri().resolve("/")).build()));
      URI ws =
          URI.create(
              "ws://localhost:" + refusing.port() + "/chsk?client-id=c1&csrf-token=" + token);

      assertThatThrownBy(
              () ->
                  http.newWebSocketBuilder()
                      .header("Origin", refusing.uri().toString())
                      .buildAsync(ws, new WebSocket.Listener() {})
                      .join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
      assertThat(handshake(refusing, token)).startsWith("[[\"chsk/handshake\",");
    }
  }

  @Test
  void theUserListNamesTheAnonymousUserAndListsEachUsersTransports() {
    ConnectedUsers connected =
        new ConnectedUsers(
            Set.of("bob", SenteServer.ANONYMOUS_USER),
            Set.of("alice", "bob"),
            Set.of("alice", "bob", SenteServer.ANONYMOUS_USER));

    assertThat(DemoEvents.users(connected))
        .containsExactly(
            new DemoEvents.UserView("alice", "alice", false, List.of("ajax")),
            new DemoEvents.UserView("bob", "bob", false, List.of("ws", "ajax")),
            new DemoEvents.UserView(SenteServer.ANONYMOUS_USER, "anonymous", true, List.of("ws")));
  }

  @Test
  void closingTheDemoFreesItsPortAndIsIdempotent() throws Exception {
    int port = demo.port();
    demo.close();
    demo.close();

    try (DemoServer again = DemoServer.start(port, options)) {
      assertThat(again.port()).isEqualTo(port);
    }
  }

  @Test
  void optionsRefuseANonPositiveBroadcastInterval() {
    assertThatThrownBy(() -> options.withBroadcastInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(options.withBroadcastInterval(Duration.ofMillis(5)).broadcastInterval())
        .isEqualTo(Duration.ofMillis(5));
  }

  private String handshake(String token) throws Exception {
    return handshake(demo, token);
  }

  private String handshake(DemoServer server, String token) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(
                    server.uri().resolve("/chsk?client-id=java-test&udt=1&handshake%3F=1"))
                .header("X-CSRF-Token", token)
                .header("Origin", server.uri().toString())
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(demo.uri().resolve(path)).build());
  }

  private HttpResponse<String> post(String path, String form, Optional<String> token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(demo.uri().resolve(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    token.ifPresent(t -> request.header("X-CSRF-Token", t));
    return send(request.build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(10, TimeUnit.SECONDS);
  }

  private Optional<String> cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  private static String token(HttpResponse<String> page) {
    Matcher matcher = META_TOKEN.matcher(page.body());
    assertThat(matcher.find()).as("a csrf-token meta tag").isTrue();
    return matcher.group(1);
  }
}
