package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHostRequest;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Abuse: the origin check against forged {@code Host} headers and unusual spellings of the server's
 * origin, on both transports, with raw requests that set {@code Host} themselves (as a
 * DNS-rebinding page's requests or a reverse proxy's do). The server listens on a loopback address;
 * the {@code Host} header names whatever the test says.
 *
 * <p>A DNS-rebinding page at {@code http://evil.example:P} whose name the attacker re-points at the
 * server sends {@code Host: evil.example:P} and {@code Origin: http://evil.example:P}: only {@code
 * serverOrigins(..)} can refuse it. Spellings of the server's own origin that differ only in case,
 * a trailing dot of the host or an explicit default port must be accepted.
 */
public abstract class OriginAbuse extends ConformanceTestBase {

  private static final String HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String QUERY = "client-id=c3&udt=1&handshake%3F=1";
  private static final String EVENT = "[[\"a/b\",1],null]";

  @Test
  void aRebindingHostIsRefusedOnBothTransportsWhenServerOriginsAreSet() {
    ServerFixture server = serve(builder().serverOrigins("http://app.test"));
    String evil = "evil.example:" + server.port();

    Map<String, String> rebinding = page(evil, "http://" + evil);
    Map<String, String> rebindingNoPort = page("evil.example", "http://evil.example");
    Map<String, String> realOriginForgedHost = page(evil, "http://app.test");

    for (Map<String, String> headers : List.of(rebinding, rebindingNoPort)) {
      assertRefused(server, headers);
    }
    assertRefused(server, realOriginForgedHost);
    assertThat(server.events().count("a/b")).isZero();
    assertAccepted(server, page("app.test", "http://app.test"));
  }

  @Test
  void withoutServerOriginsTheHostHeaderIsTrustedAsDocumented() {
    ServerFixture server = serve(builder());
    String evil = "evil.example:" + server.port();

    assertAccepted(server, page(evil, "http://" + evil));
  }

  @Test
  void anUpperCaseOriginOrHostIsTheSameOrigin() {
    ServerFixture server = serve(builder());
    int port = server.port();

    assertAccepted(server, page("localhost:" + port, "http://LOCALHOST:" + port));
    assertAccepted(server, page("LocalHost:" + port, "HTTP://localhost:" + port));
  }

  @Test
  void aTrailingDotOnTheHostIsTheSameHost() {
    ServerFixture server = serve(builder());
    ServerFixture named = serve(builder().serverOrigins("http://app.test"));
    int port = server.port();

    assertAccepted(server, page("localhost.:" + port, "http://localhost:" + port));
    assertAccepted(server, page("localhost:" + port, "http://localhost.:" + port));
    assertAccepted(named, page("app.test.", "http://app.test."));
  }

  @Test
  void theDefaultPortIsTheSameAsNoPort() {
    ServerFixture server = serve(builder());
    ServerFixture named = serve(builder().serverOrigins("http://app.test:80"));

    assertAccepted(server, page("app.test", "http://app.test:80"));
    assertAccepted(server, page("app.test:80", "http://app.test"));
    assertAccepted(named, page("app.test", "http://app.test"));
    assertAccepted(named, page("app.test:80", "http://app.test:80"));
  }

  @Test
  void allowedOriginsAreComparedInTheirNormalForm() {
    ServerFixture server = serve(builder().allowedOrigins("https://App.Example."));

    assertAccepted(server, page("backend.internal:8080", "https://app.example:443"));
    assertRefused(server, page("backend.internal:8080", "https://app.example:8443"));
  }

  @Test
  void theRefererIsComparedByItsOrigin() {
    ServerFixture server = serve(builder());
    String host = "localhost:" + server.port();
    Map<String, String> upperCase = referer(host, "http://LOCALHOST:" + server.port() + "/page");
    Map<String, String> noPath = referer(host, "http://" + host);
    Map<String, String> userInfo = referer(host, "http://" + host + "@evil.example/");

    assertAccepted(server, upperCase);
    assertAccepted(server, noPath);
    assertRefused(server, userInfo);
  }

  @Test
  void aNullOriginIsNeverTheServersOwn() {
    ServerFixture server = serve(builder());
    ServerFixture named = serve(builder().serverOrigins("http://app.test"));

    assertRefused(server, page("localhost:" + server.port(), "null"));
    assertRefused(named, page("app.test", "null"));
  }

  private static Map<String, String> page(String host, String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    headers.put("Origin", origin);
    headers.put(ServerFixture.USER_HEADER, "alice");
    return headers;
  }

  private static Map<String, String> referer(String host, String referer) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", host);
    headers.put("Referer", referer);
    headers.put(ServerFixture.USER_HEADER, "alice");
    return headers;
  }

  /** The Ajax handshake, an Ajax POST and a WebSocket upgrade are all answered. */
  private static void assertAccepted(ServerFixture server, Map<String, String> headers) {
    RawResponse handshake = RawHostRequest.get(server.httpUri(QUERY), headers);
    RawResponse post =
        RawHostRequest.post(
            server.httpUri(""),
            RawHttp.form("client-id", "c3", "udt", "2", "ppstr", "[[\"x/accepted\",1],null]"),
            headers);
    RawHostRequest.Upgrade upgrade =
        RawHostRequest.webSocket(server.webSocketUri("client-id=c1"), headers);

    assertThat(handshake.status()).as("Ajax handshake with %s", headers).isEqualTo(200);
    assertThat(handshake.body()).isEqualTo(HANDSHAKE);
    assertThat(post.status()).as("Ajax POST with %s", headers).isEqualTo(200);
    assertThat(post.body()).isEqualTo("[\"chsk/dummy-cb-200\",null]");
    assertThat(upgrade.status()).as("WebSocket upgrade with %s", headers).isEqualTo(101);
    assertThat(upgrade.firstFrame()).isEqualTo(Optional.of(HANDSHAKE));
  }

  /** The Ajax handshake, an Ajax POST and a WebSocket upgrade are all refused with 403. */
  private static void assertRefused(ServerFixture server, Map<String, String> headers) {
    RawResponse handshake = RawHostRequest.get(server.httpUri(QUERY), headers);
    RawResponse post =
        RawHostRequest.post(
            server.httpUri(""),
            RawHttp.form("client-id", "c3", "udt", "2", "ppstr", EVENT),
            headers);
    RawHostRequest.Upgrade upgrade =
        RawHostRequest.webSocket(server.webSocketUri("client-id=c1"), headers);

    assertThat(handshake.status()).as("Ajax handshake with %s", headers).isEqualTo(403);
    assertThat(handshake.body()).isEqualTo("Unauthorized origin");
    assertThat(post.status()).as("Ajax POST with %s", headers).isEqualTo(403);
    assertThat(post.body()).isEqualTo("Unauthorized origin");
    assertThat(upgrade.status()).as("WebSocket upgrade with %s", headers).isEqualTo(403);
  }
}
