package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.Rejection;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Conformance: authorization, the custom reject hook and the order of the checks: reject hook,
 * CSRF, origin, authorization (401 {@code Unauthorized request}), on every GET and POST; WebSocket
 * messages are not checked again.
 */
public abstract class AuthorizationConformance extends ConformanceTestBase {

  private static final String QUERY = "client-id=c3&udt=1&handshake%3F=1";

  @Test
  void unauthorizedRequestsAreRefused401() {
    ServerFixture server = serve(builder().authorize(request -> false));
    Peer alice = server.as("alice");

    RawResponse get = alice.get(QUERY);
    RawResponse post = alice.send("c3", "[[\"a/b\",1],null]");
    int upgrade = alice.refusedUpgrade("client-id=c1");

    assertThat(get.status()).isEqualTo(401);
    assertThat(get.body()).isEqualTo("Unauthorized request");
    assertThat(post.status()).isEqualTo(401);
    assertThat(post.body()).isEqualTo("Unauthorized request");
    assertThat(upgrade).isEqualTo(401);
    assertThat(server.events().count("a/b")).isZero();
  }

  @Test
  void authorizationSeesTheRequest() {
    ServerFixture server =
        serve(
            builder().authorize(request -> request.header(ServerFixture.USER_HEADER).isPresent()));

    RawResponse anonymous = server.anonymous().get(QUERY);
    RawResponse alice = server.as("alice").get("client-id=c4&udt=1&handshake%3F=1");

    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(alice.status()).isEqualTo(200);
  }

  @Test
  void rejectHookAnswersWithItsOwnStatusAndBody() {
    ServerFixture server =
        serve(builder().rejectWhen(request -> Optional.of(new Rejection(429, "Slow down"))));
    Peer alice = server.as("alice");

    RawResponse get = alice.get(QUERY);
    RawResponse post = alice.send("c3", "[[\"a/b\",1],null]");
    int upgrade = alice.refusedUpgrade("client-id=c1");

    assertThat(get.status()).isEqualTo(429);
    assertThat(get.body()).isEqualTo("Slow down");
    assertThat(post.status()).isEqualTo(429);
    assertThat(post.body()).isEqualTo("Slow down");
    assertThat(upgrade).isEqualTo(429);
  }

  @Test
  void rejectHookRunsBeforeEveryOtherCheck() {
    ServerFixture server =
        serve(
            builder()
                .rejectWhen(request -> Optional.of(new Rejection(429, "Slow down")))
                .csrf(request -> Optional.of("T"))
                .allowedOrigins("http://site.com")
                .authorize(request -> false));

    RawResponse response = server.as("alice").withHeader("Origin", "http://evil.com").get(QUERY);

    assertThat(response.status()).isEqualTo(429);
    assertThat(response.body()).isEqualTo("Slow down");
  }

  @Test
  void emptyRejectHookStillLetsTheCsrfCheckRefuse() {
    ServerFixture server =
        serve(builder().rejectWhen(request -> Optional.empty()).csrf(request -> Optional.of("T")));

    RawResponse response = server.as("alice").get(QUERY);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("Bad CSRF token");
  }

  @Test
  void csrfIsCheckedBeforeTheOriginAndTheOriginBeforeAuthorization() {
    ServerFixture server =
        serve(
            builder()
                .csrf(request -> Optional.of("T"))
                .allowedOrigins("http://site.com")
                .authorize(request -> false));
    Peer evil = server.as("alice").withHeader("Origin", "http://evil.com");

    RawResponse badTokenAndOrigin = evil.get(QUERY);
    RawResponse badOriginUnauthorized = evil.withHeader("X-CSRF-Token", "T").get(QUERY);
    RawResponse unauthorized =
        evil.withHeader("X-CSRF-Token", "T").withHeader("Origin", "http://site.com").get(QUERY);

    assertThat(badTokenAndOrigin.status()).isEqualTo(403);
    assertThat(badTokenAndOrigin.body()).isEqualTo("Bad CSRF token");
    assertThat(badOriginUnauthorized.status()).isEqualTo(403);
    assertThat(badOriginUnauthorized.body()).isEqualTo("Unauthorized origin");
    assertThat(unauthorized.status()).isEqualTo(401);
    assertThat(unauthorized.body()).isEqualTo("Unauthorized request");
  }

  @Test
  void checksRunOnEveryRequestNotJustTheHandshake() {
    AtomicBoolean allowed = new AtomicBoolean(true);
    ServerFixture server = serve(builder().authorize(request -> allowed.get()));
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);

    allowed.set(false);
    RawResponse poll = RawHttp.join(alice.poll("c3"));
    RawResponse post = alice.send("c3", "[[\"a/b\",1],null]");

    assertThat(poll.status()).isEqualTo(401);
    assertThat(post.status()).isEqualTo(401);
    assertThat(server.events().count("a/b")).isZero();
  }

  @Test
  void webSocketMessagesAreNotCheckedAgainAfterTheUpgrade() {
    AtomicBoolean allowed = new AtomicBoolean(true);
    ServerFixture server = serve(builder().authorize(request -> allowed.get()));
    server.sente().on("a/b", message -> message.reply(Map.of("ok", 1)));
    RawWebSocket ws = server.as("alice").connect("c1");

    allowed.set(false);
    ws.send("[[\"a/b\",1],\"x1y2z3\"]");

    assertThat(ws.nextFrame()).isEqualTo("[{\"ok\":1},\"x1y2z3\"]");
  }
}
