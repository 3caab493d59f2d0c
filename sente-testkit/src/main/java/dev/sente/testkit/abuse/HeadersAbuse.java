package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a browser that guesses content types. Every response of the endpoint (handshakes, polls
 * whether answered by a push or by the timeout, POST replies, rejections, refused upgrades) says
 * {@code X-Content-Type-Options: nosniff}, so that no client-supplied text in a body is ever run as
 * a script or a style sheet.
 */
public abstract class HeadersAbuse extends ConformanceTestBase {

  /** The header every response of the endpoint carries. */
  protected static final String NOSNIFF = "x-content-type-options";

  /** Asserts that the response says nosniff. */
  protected static void assertNosniff(String what, RawResponse response) {
    assertThat(response.header(NOSNIFF)).as(what + ": " + response).contains("nosniff");
  }

  private static void assertNosniff(String what, RawExchange.Response response) {
    assertThat(response.header(NOSNIFF)).as(what + ": " + response).contains("nosniff");
  }

  @Test
  void everyResponseOfTheEndpointSaysNosniff() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofMillis(300)));
    Peer alice = server.as("alice");

    assertNosniff("handshake", alice.ajaxHandshake("c3"));
    assertNosniff("poll timeout", RawHttp.join(alice.poll("c3")));
    CompletableFuture<RawResponse> poll = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));
    server.sente().send("alice", "a/x", 1);
    assertNosniff("poll answered by a push", RawHttp.join(poll));
    assertNosniff("post", alice.send("c3", "[[\"a/b\",1],null]"));
    assertNosniff("malformed post", alice.send("c3", "not json"));
    assertNosniff("missing client id", alice.get("udt=1"));
    assertNosniff("malformed query", RawExchange.get(server, "client-id=%ZZ", alice.headers()));
    assertNosniff(
        "foreign origin",
        alice.withHeader("Origin", "http://evil.example").get("client-id=c4&handshake%3F=1"));
    assertNosniff("method", RawExchange.request(server, "PUT", "client-id=c5", alice.headers()));
    assertNosniff(
        "refused upgrade",
        RawExchange.upgrade(
            server, "client-id=c6", Map.of("Origin", "http://evil.example", "X-User", "alice")));
  }
}
