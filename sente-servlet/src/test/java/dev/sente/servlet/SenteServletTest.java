package dev.sente.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.core.SenteException;
import dev.sente.server.SenteServer;
import dev.sente.testkit.client.RecordingClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The helpers a page needs: the CSRF token and its cookie, and session login and logout. */
class SenteServletTest {

  private final SenteServer sente =
      SenteServer.builder()
          .csrf()
          .userId(request -> request.sessionAttribute("uid").map(Object::toString))
          .build();
  private final TomcatServer tomcat =
      TomcatServer.start(
          sente,
          null,
          context -> {
            Tomcat.addServlet(context, "page", new Page(sente)).addMapping("/page");
          });
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    tomcat.close();
    sente.close();
  }

  /** Logs in with ?login=NAME, logs out with ?logout, and answers the CSRF token twice. */
  static final class Page extends HttpServlet {
    private final transient SenteServer sente;

    Page(SenteServer sente) {
      this.sente = sente;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String login = request.getParameter("login");
      if (login != null) {
        SenteServlet.setSessionAttribute(request, "uid", login);
      }
      if (request.getParameter("logout") != null) {
        SenteServlet.removeSessionAttribute(request, "uid");
      }
      if (request.getParameter("plain") != null) {
        SenteServer plain = SenteServer.builder().build();
        try {
          SenteServlet.csrfToken(plain, request, response);
        } catch (SenteException e) {
          response.getWriter().print(e.getMessage());
          return;
        } finally {
          plain.close();
        }
      }
      String first = SenteServlet.csrfToken(sente, request, response);
      String again = SenteServlet.csrfToken(sente, request, response);
      Optional<Object> uid = SenteServlet.sessionAttribute(request, "uid");
      response.setContentType("text/plain");
      response.getWriter().print(first + " " + again + " " + uid.orElse("-"));
    }
  }

  private HttpResponse<String> page(String query, String cookies) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(tomcat.uri().resolve("/page?" + query));
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookies);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<HttpCookie> cookies(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie").stream()
        .flatMap(header -> HttpCookie.parse(header).stream())
        .toList();
  }

  @Test
  void theCsrfCookieIsSetOnceHttpOnlyAndLaxAndTheTokenIsStable() throws Exception {
    HttpResponse<String> first = page("", "");

    String[] tokens = first.body().split(" ");
    assertThat(tokens[0]).isNotBlank().isEqualTo(tokens[1]);
    List<String> setCookies = first.headers().allValues("Set-Cookie");
    assertThat(setCookies).hasSize(1);
    assertThat(setCookies.get(0))
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Lax")
        .contains("Path=/")
        .doesNotContain("Secure");
    HttpCookie cookie = cookies(first).get(0);

    HttpResponse<String> second = page("", cookie.getName() + "=" + cookie.getValue());
    assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(second.body().split(" ")[0]).isNotBlank();
  }

  @Test
  void withoutCsrfTheTokenHelperSaysHowToTurnItOn() throws Exception {
    assertThat(page("plain", "").body()).contains(".csrf()");
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void theSessionLoginIsTheUserOfTheClientsConnection(Transport transport) throws Exception {
    HttpResponse<String> login = page("login=alice", "");
    assertThat(login.body()).endsWith(" alice");
    StringBuilder cookieHeader = new StringBuilder();
    for (HttpCookie c : cookies(login)) {
      cookieHeader
          .append(cookieHeader.isEmpty() ? "" : "; ")
          .append(c.getName())
          .append('=')
          .append(c.getValue());
    }
    String token = login.body().split(" ")[0];
    SenteClientBuilder builder =
        SenteClient.builder(tomcat.uri().resolve("/chsk"))
            .transport(transport)
            .csrfToken(token)
            .backoff(attempt -> Duration.ofMillis(50));
    for (HttpCookie c : cookies(login)) {
      builder.cookie(c.getName(), c.getValue());
    }

    try (RecordingClient alice = RecordingClient.build(builder)) {
      ClientState.Open open = alice.connect();
      assertThat(open.userId()).contains("alice");
    }
    assertThat(page("logout", cookieHeader.toString()).body()).endsWith(" -");
  }
}
