package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.CsrfTokens;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Conformance: the missing client id and the CSRF check. A request without a client id is answered
 * 400 naming {@code client-id}; a bad or missing token 403 {@code Bad CSRF token}. The client's
 * token is read from the {@code csrf-token} parameter, then {@code X-CSRF-Token}, then {@code
 * X-XSRF-Token}.
 */
public abstract class CsrfConformance extends ConformanceTestBase {

  private static final String HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String DUMMY = "[\"chsk/dummy-cb-200\",null]";

  @Test
  void ajaxRequestWithoutClientIdIsAnswered400NamingIt() {
    ServerFixture server = serve(builder());

    RawResponse missing = server.as("alice").get("udt=1&handshake%3F=1");
    RawResponse blank = server.as("alice").get("client-id=&udt=1&handshake%3F=1");

    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body()).contains("client-id");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.body()).contains("client-id");
  }

  @Test
  void webSocketUpgradeWithoutClientIdIsRefused400() {
    ServerFixture server = serve(builder());

    assertThat(server.as("alice").refusedUpgrade("")).isEqualTo(400);
    assertThat(server.sente().connectedUsers().any()).isEmpty();
  }

  @Test
  void postWithoutClientIdIsAnswered400AndNotHandled() {
    ServerFixture server = serve(builder());

    RawResponse response =
        server.as("alice").post(RawHttp.form("udt", "3", "ppstr", "[[\"a/b\",1],null]"));
    RawResponse marker = server.as("alice").send("c3", "[[\"a/marker\",1],null]");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("client-id");
    assertThat(marker.body()).isEqualTo(DUMMY);
    server.events().await("a/marker");
    assertThat(server.events().count("a/b")).isZero();
  }

  @Test
  void missingClientIdIsReportedBeforeTheSecurityChecks() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));

    RawResponse response = server.bare().get("udt=1&handshake%3F=1");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("client-id");
  }

  @Test
  void requestsWithoutTheRightTokenAreRefused403() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));
    Peer alice = server.as("alice");

    RawResponse absent = alice.get("client-id=c3&udt=1&handshake%3F=1");
    RawResponse wrong =
        alice.withHeader("X-CSRF-Token", "W").get("client-id=c3&udt=1&handshake%3F=1");
    RawResponse wrongParam = alice.get("client-id=c3&udt=1&handshake%3F=1&csrf-token=W");

    for (RawResponse response : new RawResponse[] {absent, wrong, wrongParam}) {
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).isEqualTo("Bad CSRF token");
    }
  }

  @Test
  void tokenIsAcceptedFromTheParameterOrEitherHeader() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));
    Peer alice = server.as("alice");

    RawResponse param = alice.get("client-id=c3&udt=1&handshake%3F=1&csrf-token=T");
    RawResponse csrfHeader =
        alice.withHeader("X-CSRF-Token", "T").get("client-id=c4&udt=1&handshake%3F=1");
    RawResponse xsrfHeader =
        alice.withHeader("X-XSRF-Token", "T").get("client-id=c5&udt=1&handshake%3F=1");

    assertThat(param.body()).isEqualTo(HANDSHAKE);
    assertThat(csrfHeader.body()).isEqualTo(HANDSHAKE);
    assertThat(xsrfHeader.body()).isEqualTo(HANDSHAKE);
  }

  @Test
  void parameterTokenTakesPrecedenceOverTheHeader() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));

    RawResponse response =
        server
            .as("alice")
            .withHeader("X-CSRF-Token", "T")
            .get("client-id=c3&udt=1&handshake%3F=1&csrf-token=W");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("Bad CSRF token");
  }

  @Test
  void webSocketCarriesItsTokenInTheQuery() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));

    int refused = server.as("alice").refusedUpgrade("client-id=c1");
    int wrong = server.as("alice").refusedUpgrade("client-id=c1&csrf-token=W");
    RawWebSocket ws = server.as("alice").webSocket("client-id=c1&csrf-token=T");

    assertThat(refused).isEqualTo(403);
    assertThat(wrong).isEqualTo(403);
    assertThat(ws.nextFrame()).isEqualTo(HANDSHAKE);
  }

  @Test
  void postIsCheckedToo() {
    ServerFixture server = serve(builder().csrf(request -> Optional.of("T")));
    Peer alice = server.as("alice");

    RawResponse refused = alice.send("c3", "[[\"a/refused\",1],null]");
    RawResponse accepted = alice.withHeader("X-CSRF-Token", "T").send("c3", "[[\"a/b\",1],null]");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).isEqualTo("Bad CSRF token");
    assertThat(accepted.status()).isEqualTo(200);
    assertThat(accepted.body()).isEqualTo(DUMMY);
    server.events().await("a/b");
    assertThat(server.events().count("a/refused")).isZero();
  }

  @Test
  void sessionWithoutATokenRejectsEveryRequest() {
    ServerFixture server = serve(builder().csrf(request -> Optional.empty()));

    RawResponse response =
        server.as("alice").withHeader("X-CSRF-Token", "T").get("client-id=c3&udt=1&handshake%3F=1");

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("Bad CSRF token");
  }

  @Test
  void withoutCsrfConfiguredNoTokenIsNeeded() {
    ServerFixture server = serve(builder());

    RawResponse response = server.as("alice").get("client-id=c3&udt=1&handshake%3F=1");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(HANDSHAKE);
  }

  @Test
  void builtInTokensAcceptTheTokenIssuedForTheBrowsersCookie() {
    ServerFixture server = serve(builder().csrf());
    CsrfTokens tokens = server.sente().csrfTokens().orElseThrow();
    CsrfTokens.Issued issued = tokens.issue(Optional.empty());
    String cookie = CsrfTokens.COOKIE_NAME + "=" + issued.newCookie().orElseThrow();
    String otherCookie =
        CsrfTokens.COOKIE_NAME + "=" + tokens.issue(Optional.empty()).newCookie().orElseThrow();
    Peer page = server.as("alice").withHeader("Cookie", cookie);

    RawResponse ajax =
        page.withHeader("X-CSRF-Token", issued.token()).get("client-id=c3&udt=1&handshake%3F=1");
    RawWebSocket ws = page.webSocket("client-id=c1&csrf-token=" + RawHttp.encode(issued.token()));
    RawResponse stolenToken =
        server
            .as("alice")
            .withHeader("Cookie", otherCookie)
            .withHeader("X-CSRF-Token", issued.token())
            .get("client-id=c4&udt=1&handshake%3F=1");
    RawResponse noCookie =
        server
            .as("alice")
            .withHeader("X-CSRF-Token", issued.token())
            .get("client-id=c5&udt=1&handshake%3F=1");

    assertThat(ajax.body()).isEqualTo(HANDSHAKE);
    assertThat(ws.nextFrame()).isEqualTo(HANDSHAKE);
    assertThat(stolenToken.status()).isEqualTo(403);
    assertThat(noCookie.status()).isEqualTo(403);
  }
}
