package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import org.junit.jupiter.api.Test;

/**
 * Conformance: the origin check, same-origin by default, refused with 403 {@code Unauthorized
 * origin}. The {@code Origin} header must be an allowed origin; without one, the {@code Referer}'s
 * origin must be; a request with neither is refused unless any origin is allowed. (Spellings of an
 * origin that differ in case, a trailing dot or a default port, and forged {@code Host} headers,
 * are in {@code dev.sente.testkit.abuse.OriginAbuse}.)
 */
public abstract class OriginConformance extends ConformanceTestBase {

  private static final String HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String QUERY = "client-id=c3&udt=1&handshake%3F=1";

  @Test
  void allowListRefusesAForeignOrigin() {
    ServerFixture server = serve(builder().allowedOrigins("http://site.com"));

    RawResponse response = server.as("alice").withHeader("Origin", "http://evil.com").get(QUERY);

    assertThat(response.status()).isEqualTo(403);
    assertThat(response.body()).isEqualTo("Unauthorized origin");
  }

  @Test
  void allowListAcceptsAnExactOriginOrAMatchingReferer() {
    ServerFixture server = serve(builder().allowedOrigins("http://site.com"));
    Peer alice = server.as("alice");

    RawResponse origin = alice.withHeader("Origin", "http://site.com").get(QUERY);
    RawResponse referer =
        alice.withoutHeader("Origin").withHeader("Referer", "http://site.com/x").get(QUERY);

    assertThat(origin.status()).isEqualTo(200);
    assertThat(origin.body()).isEqualTo(HANDSHAKE);
    assertThat(referer.status()).isEqualTo(200);
    assertThat(referer.body()).isEqualTo(HANDSHAKE);
  }

  @Test
  void allowListRefusesAPrefixAttackAndRequestsWithNeitherHeader() {
    ServerFixture server = serve(builder().allowedOrigins("http://site.com"));
    Peer alice = server.as("alice").withoutHeader("Origin");

    RawResponse prefix = alice.withHeader("Referer", "http://site.com.evil.com/").get(QUERY);
    RawResponse prefixOrigin = alice.withHeader("Origin", "http://site.com.evil.com").get(QUERY);
    RawResponse neither = alice.get(QUERY);

    for (RawResponse response : new RawResponse[] {prefix, prefixOrigin, neither}) {
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).isEqualTo("Unauthorized origin");
    }
  }

  @Test
  void allowListAppliesToWebSocketsAndPosts() {
    ServerFixture server = serve(builder().allowedOrigins("http://site.com"));
    Peer evil = server.as("alice").withHeader("Origin", "http://evil.com");
    Peer site = server.as("alice").withHeader("Origin", "http://site.com");

    int refused = evil.refusedUpgrade("client-id=c1");
    RawResponse refusedPost = evil.send("c3", "[[\"a/b\",1],null]");
    RawWebSocket ws = site.webSocket("client-id=c1");

    assertThat(refused).isEqualTo(403);
    assertThat(refusedPost.status()).isEqualTo(403);
    assertThat(refusedPost.body()).isEqualTo("Unauthorized origin");
    assertThat(ws.nextFrame()).isEqualTo(HANDSHAKE);
  }

  @Test
  void defaultPolicyAcceptsTheServersOwnOrigin() {
    ServerFixture server = serve(builder());

    RawResponse origin = server.as("alice").get(QUERY);
    RawResponse referer =
        server
            .as("alice")
            .withoutHeader("Origin")
            .withHeader("Referer", server.origin() + "/page.html")
            .get("client-id=c4&udt=1&handshake%3F=1");
    RawWebSocket ws = server.as("alice").webSocket("client-id=c1");

    assertThat(origin.status()).isEqualTo(200);
    assertThat(origin.body()).isEqualTo(HANDSHAKE);
    assertThat(referer.status()).isEqualTo(200);
    assertThat(referer.body()).isEqualTo(HANDSHAKE);
    assertThat(ws.nextFrame()).isEqualTo(HANDSHAKE);
  }

  @Test
  void defaultPolicyRefusesOtherOriginsAndRequestsWithNeitherHeader() {
    ServerFixture server = serve(builder());
    Peer alice = server.as("alice");
    String otherPort = "http://localhost:" + (server.port() == 65535 ? 1 : server.port() + 1);

    RawResponse foreign = alice.withHeader("Origin", "http://evil.com").get(QUERY);
    RawResponse wrongPort = alice.withHeader("Origin", otherPort).get(QUERY);
    RawResponse prefix =
        alice
            .withoutHeader("Origin")
            .withHeader("Referer", server.origin() + ".evil.com/")
            .get(QUERY);
    RawResponse neither = alice.withoutHeader("Origin").get(QUERY);
    RawResponse post =
        alice.withHeader("Origin", "http://evil.com").send("c3", "[[\"a/b\",1],null]");

    for (RawResponse response : new RawResponse[] {foreign, wrongPort, prefix, neither, post}) {
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).isEqualTo("Unauthorized origin");
    }
    assertThat(alice.withHeader("Origin", "http://evil.com").refusedUpgrade("client-id=c1"))
        .isEqualTo(403);
    assertThat(server.events().count("a/b")).isZero();
  }

  @Test
  void anyOriginAcceptsEverythingIncludingNoHeaders() {
    ServerFixture server = serve(builder().allowAnyOrigin());

    RawResponse foreign = server.as("alice").withHeader("Origin", "http://evil.com").get(QUERY);
    RawResponse neither =
        server.as("alice").withoutHeader("Origin").get("client-id=c4&udt=1&handshake%3F=1");
    RawWebSocket ws = server.bare().webSocket("client-id=c1");

    assertThat(foreign.body()).isEqualTo(HANDSHAKE);
    assertThat(neither.body()).isEqualTo(HANDSHAKE);
    assertThat(ws.nextFrame())
        .isEqualTo("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
  }
}
