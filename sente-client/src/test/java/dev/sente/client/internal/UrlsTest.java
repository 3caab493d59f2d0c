package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientConfig;
import dev.sente.client.SenteClient;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UrlsTest {

  private final ClientConfig config =
      SenteClient.builder("https://app.example:8443/app/chsk")
          .clientId("c 1")
          .param("client-id", "ignored")
          .param("lang", "fr")
          .cookie("a", "1")
          .cookie("b", "2")
          .header("Cookie", "z=0")
          .header("X-Trace", "t")
          .config();

  @Test
  void theWebSocketUrlUsesWssAndSentesKeysWin() {
    assertThat(Urls.webSocket(config, Optional.of("a+b/c=")))
        .hasToString(
            "wss://app.example:8443/app/chsk?lang=fr&client-id=c%201&csrf-token=a%2Bb%2Fc%3D");
    assertThat(Urls.webSocket(config, Optional.empty()).getRawQuery())
        .isEqualTo("lang=fr&client-id=c%201");
  }

  @Test
  void theAjaxGetCarriesUdtClientIdAndTheLiteralHandshakeKey() {
    assertThat(Urls.ajaxGet(config, true, 42))
        .hasToString(
            "https://app.example:8443/app/chsk?lang=fr&udt=42&client-id=c%201&handshake%3F=1");
    assertThat(Urls.ajaxGet(config, false, 43).getRawQuery())
        .isEqualTo("lang=fr&udt=43&client-id=c%201");
  }

  @Test
  void aTextPostGoesToTheEndpointAndABinaryOneCarriesItsParametersInTheQuery() {
    assertThat(Urls.ajaxPost(config, false, 1)).isEqualTo(config.endpoint());
    assertThat(Urls.ajaxPost(config, true, 1).getRawQuery())
        .isEqualTo("udt=1&client-id=c%201&binary%3F=true");
  }

  @Test
  void theFormBodyEncodesLikeSente() {
    assertThat(Urls.postForm(config, 5, "[[\"a/b\",\"x y*\"],null]"))
        .isEqualTo("udt=5&client-id=c%201&ppstr=%5B%5B%22a%2Fb%22%2C%22x%20y%2A%22%5D%2Cnull%5D");
  }

  @Test
  void headersMergeCookiesAndAddTheAjaxOnes() {
    assertThat(Urls.headers(config, false, Optional.of("t")))
        .containsEntry("Cookie", "z=0; a=1; b=2")
        .containsEntry("X-Trace", "t")
        .containsEntry("Origin", "https://app.example:8443")
        .doesNotContainKeys("X-CSRF-Token", "X-Requested-With");
    assertThat(Urls.headers(config, true, Optional.of("t")))
        .containsEntry("X-CSRF-Token", "t")
        .containsEntry("X-Requested-With", "XMLHTTPRequest");
  }
}
