package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.server.OriginPolicy;
import dev.sente.server.SenteRequest;
import dev.sente.server.SenteServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The origin check's comparison: scheme and host compared without case, a trailing dot on the host
 * ignored, default ports equal to none, IPv6 literals compared as addresses, {@code Origin: null}
 * never the server's own, the Referer compared by its origin. In the tables, {@code -} is a header
 * that is not sent.
 */
class OriginCheckTest {

  @ParameterizedTest(name = "{0}://{1} Origin {2} Referer {3}: {4}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          http  | localhost:8080          | http://localhost:8080          | -                               | accept
          http  | localhost:8080          | http://LOCALHOST:8080          | -                               | accept
          http  | LocalHost:8080          | http://localhost:8080          | -                               | accept
          http  | localhost:8080          | HTTP://localhost:8080          | -                               | accept
          http  | localhost.:8080         | http://localhost:8080          | -                               | accept
          http  | localhost:8080          | http://localhost.:8080         | -                               | accept
          http  | localhost               | http://localhost:80            | -                               | accept
          http  | localhost:80            | http://localhost               | -                               | accept
          https | app.example:443         | https://app.example            | -                               | accept
          https | app.example             | https://app.example:443        | -                               | accept
          http  | localhost:08080         | http://localhost:8080          | -                               | accept
          http  | [::1]:8080              | http://[::1]:8080              | -                               | accept
          http  | [::1]:8080              | http://[0:0:0:0:0:0:0:1]:8080  | -                               | accept
          http  | [0:0::1]                | http://[::1]:80                | -                               | accept
          http  | [::FFFF:127.0.0.1]:8080 | http://[::ffff:7f00:1]:8080    | -                               | accept
          http  | [2001:DB8::1]:8080      | http://[2001:db8:0:0::1]:8080  | -                               | accept
          http  | [::1]:8080              | http://[::2]:8080              | -                               | refuse
          http  | localhost:8080          | null                           | -                               | refuse
          http  | localhost:8080          | null                           | http://localhost:8080/page      | refuse
          http  | localhost:8080          | http://localhost:8081          | -                               | refuse
          http  | localhost               | http://localhost:443           | -                               | refuse
          https | localhost               | http://localhost               | -                               | refuse
          http  | localhost:8080          | https://localhost:8080         | -                               | refuse
          http  | localhost:8080          | http://evil.example:8080       | -                               | refuse
          http  | localhost:8080          | http://localhost:8080/         | -                               | refuse
          http  | localhost:8080          | http://localhost:8080.evil.com | -                               | refuse
          http  | localhost:8080          | http://localhost..:8080        | -                               | refuse
          http  | user@localhost:8080     | http://user@localhost:8080     | -                               | refuse
          http  | localhost:8080,evil     | http://localhost:8080,evil     | -                               | refuse
          http  | -                       | http://localhost:8080          | -                               | refuse
          http  | localhost:8080          | -                              | http://localhost:8080/page      | accept
          http  | localhost:8080          | -                              | http://LOCALHOST:8080/page      | accept
          http  | localhost:8080          | -                              | http://localhost.:8080/a/b?c=d  | accept
          http  | localhost:8080          | -                              | http://localhost:8080           | accept
          http  | localhost:8080          | -                              | http://localhost:8080?x=1       | accept
          http  | localhost:8080          | -                              | http://localhost:8080#top       | accept
          http  | localhost               | -                              | http://localhost:80/page        | accept
          http  | [::1]:8080              | -                              | http://[0::1]:8080/page         | accept
          http  | localhost:8080          | -                              | http://localhost:8080.evil.com/ | refuse
          http  | localhost:8080          | -                              | http://localhost:8080@evil.com/ | refuse
          http  | localhost:8080          | -                              | http://evil.com/localhost:8080/ | refuse
          http  | localhost:8080          | -                              | https://localhost:8080/page     | refuse
          http  | localhost:8080          | -                              | /page                           | refuse
          http  | localhost:8080          | -                              | not a url                       | refuse
          http  | localhost:8080          | -                              | -                               | refuse
          """)
  void sameOriginDefault(
      String scheme, String host, String origin, String referer, String expected) {
    SecurityChecks checks = new SecurityChecks(SenteServer.builder().config(), () -> 0L);

    boolean accepted = checks.check(request(scheme, host, origin, referer)).isEmpty();

    assertThat(accepted).isEqualTo(expected.equals("accept"));
  }

  @ParameterizedTest(name = "allowedOrigins({0}) Origin {1} Referer {2}: {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://app.example       | https://app.example      | -                           | accept
          https://App.Example.      | https://app.example      | -                           | accept
          https://app.example       | HTTPS://APP.EXAMPLE.     | -                           | accept
          https://app.example:443   | https://app.example      | -                           | accept
          https://app.example       | https://app.example:443  | -                           | accept
          http://[0:0::1]:3000      | http://[::1]:3000        | -                           | accept
          chrome-extension://abcdef | chrome-extension://abcdef | -                          | accept
          https://app.example       | -                        | https://APP.example./x      | accept
          https://app.example       | -                        | https://app.example:443     | accept
          https://app.example       | https://app.example:8443 | -                           | refuse
          https://app.example       | http://app.example       | -                           | refuse
          https://app.example       | null                     | -                           | refuse
          https://app.example       | -                        | https://app.example.evil/x  | refuse
          """)
  void allowList(String allowed, String origin, String referer, String expected) {
    SecurityChecks checks =
        new SecurityChecks(SenteServer.builder().allowedOrigins(allowed).config(), () -> 0L);

    boolean accepted =
        checks.check(request("http", "server.internal:8080", origin, referer)).isEmpty();

    assertThat(accepted).isEqualTo(expected.equals("accept"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "example.com:443",
        "//example.com",
        "https://",
        "https://example.com/",
        "https://example.com/app",
        "https://example.com?x",
        "https://example.com#x",
        "https://user@example.com",
        "https://exa mple.com",
        "https://example.com:",
        "https://example.com:x",
        "https://example.com:99999",
        "https://example.com:0",
        "https://[::1",
        "https://::1",
        "https://[::1::2]",
        "https://[fe80::1%25eth0]",
        "1https://example.com",
        "null",
        "*",
        ""
      })
  void malformedAllowListEntriesAreRefusedAtBuildTime(String entry) {
    SenteServer.Builder builder = SenteServer.builder();

    assertThatThrownBy(() -> builder.allowedOrigins("https://ok.example", entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedOrigins")
        .hasMessageContaining("\"" + entry + "\"")
        .hasMessageContaining("scheme://host[:port]");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          HTTPS://App.Example.:443                           | https://app.example
          http://localhost:0080                              | http://localhost
          ws://localhost:80                                  | ws://localhost
          wss://localhost:443                                | wss://localhost
          http://localhost:443                               | http://localhost:443
          chrome-extension://AbCdEf                          | chrome-extension://abcdef
          http://[2001:0DB8:0000:0000:0000:0000:0000:0001]   | http://[2001:db8::1]
          http://[1:0:0:2:0:0:0:3]                           | http://[1:0:0:2::3]
          http://[1:0:0:2:0:0:3:4]                           | http://[1::2:0:0:3:4]
          http://[1:0:1:0:1:0:1:0]                           | http://[1:0:1:0:1:0:1:0]
          http://[::]                                        | http://[::]
          http://[1::]:8080                                  | http://[1::]:8080
          http://[::ffff:192.168.0.1]                        | http://[::ffff:c0a8:1]
          """)
  void normalForm(String origin, String normal) {
    assertThat(Origins.normaliseConfigured(origin, "test")).isEqualTo(normal);
  }

  @ParameterizedTest(name = "serverOrigins {0}: {1}://{2} Origin {3} Referer {4}: {5}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          https://app.example                       | http  | app.example           | https://app.example          | -                         | accept
          https://app.example                       | https | app.example:443       | https://app.example          | -                         | accept
          https://app.example                       | http  | APP.Example.          | https://APP.example:443      | -                         | accept
          https://app.example                       | http  | app.example           | -                            | https://app.example/p     | accept
          http://app.test                           | http  | app.test:80           | http://app.test              | -                         | accept
          http://localhost:8080,https://app.example | http  | localhost:8080        | http://localhost:8080        | -                         | accept
          http://localhost:8080,https://app.example | http  | app.example           | https://app.example          | -                         | accept
          http://localhost:8080,https://app.example | http  | app.example           | http://localhost:8080        | -                         | accept
          http://[::1]:8080                         | http  | [0::1]:8080           | http://[0:0::1]:8080         | -                         | accept
          https://app.example                       | http  | evil.example          | http://evil.example          | -                         | refuse
          https://app.example                       | http  | evil.example:8080     | http://evil.example:8080     | -                         | refuse
          https://app.example                       | http  | evil.example          | https://app.example          | -                         | refuse
          https://app.example                       | http  | app.example           | http://evil.example          | -                         | refuse
          https://app.example                       | http  | app.example           | http://app.example           | -                         | refuse
          https://app.example                       | http  | app.example:8443      | https://app.example          | -                         | refuse
          https://app.example                       | http  | app.example:80        | https://app.example          | -                         | refuse
          https://app.example                       | http  | app.example           | null                         | -                         | refuse
          https://app.example                       | http  | app.example           | -                            | https://evil.example/p    | refuse
          https://app.example                       | http  | app.example           | -                            | -                         | refuse
          https://app.example                       | http  | -                     | https://app.example          | -                         | refuse
          https://app.example                       | http  | user@app.example      | https://app.example          | -                         | refuse
          http://localhost:8080                     | http  | 127.0.0.1:8080        | http://127.0.0.1:8080        | -                         | refuse
          """)
  void serverOrigins(
      String servers, String scheme, String host, String origin, String referer, String expected) {
    SecurityChecks checks =
        new SecurityChecks(
            SenteServer.builder().serverOrigins(servers.split(",")).config(), () -> 0L);

    boolean accepted = checks.check(request(scheme, host, origin, referer)).isEmpty();

    assertThat(accepted).isEqualTo(expected.equals("accept"));
  }

  @Test
  void withoutServerOriginsTheHostHeaderIsTrustedAsSenteDoes() {
    SecurityChecks checks = new SecurityChecks(SenteServer.builder().config(), () -> 0L);

    boolean accepted =
        checks
            .check(request("http", "evil.example:8080", "http://evil.example:8080", "-"))
            .isEmpty();

    assertThat(SenteServer.builder().config().originPolicy())
        .isEqualTo(new OriginPolicy.SameOrigin(SenteServer.Builder.DEFAULT_SERVER_ORIGINS));
    assertThat(accepted).as("the documented DNS-rebinding risk of the default").isTrue();
  }

  @Test
  void serverOriginsAreNormalisedAndAnEmptyCallRestoresTheDefault() {
    SenteServer.Builder builder = SenteServer.builder().serverOrigins("HTTPS://App.Example:443");

    assertThat(builder.config().originPolicy())
        .isEqualTo(new OriginPolicy.SameOrigin(Set.of("https://app.example")));
    assertThat(builder.serverOrigins().config().originPolicy())
        .isEqualTo(new OriginPolicy.SameOrigin());
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example", "https://app.example/", "wss://app.example", "null"})
  void malformedServerOriginsAreRefused(String entry) {
    SenteServer.Builder builder = SenteServer.builder();

    assertThatThrownBy(() -> builder.serverOrigins(entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serverOrigins")
        .hasMessageContaining("\"" + entry + "\"");
  }

  @Test
  void serverOriginsDoNotCombineWithAnotherPolicy() {
    SenteServer.Builder withList =
        SenteServer.builder().serverOrigins("https://app.example").allowedOrigins("https://x.io");
    SenteServer.Builder withAny =
        SenteServer.builder().allowAnyOrigin().serverOrigins("https://app.example");

    assertThatThrownBy(withList::config)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serverOrigins(..)")
        .hasMessageContaining("allowedOrigins(..)");
    assertThatThrownBy(withAny::config)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowAnyOrigin()");
  }

  @Test
  void aNullEntryIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> SenteServer.builder().allowedOrigins("https://a.example", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedOrigins");
  }

  static SenteRequest request(String scheme, String host, String origin, String referer) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (!host.equals("-")) {
      headers.put("Host", host);
    }
    if (!origin.equals("-")) {
      headers.put("Origin", origin);
    }
    if (!referer.equals("-")) {
      headers.put("Referer", referer);
    }
    return new SenteRequest() {
      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String path() {
        return "/chsk";
      }

      @Override
      public String scheme() {
        return scheme;
      }

      @Override
      public Optional<String> host() {
        return header("Host");
      }

      @Override
      public Map<String, List<String>> queryParams() {
        return Map.of("client-id", List.of("c1"));
      }

      @Override
      public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
      }

      @Override
      public Optional<String> cookie(String name) {
        return Optional.empty();
      }

      @Override
      public String remoteAddress() {
        return "127.0.0.1:50000";
      }
    };
  }
}
