package dev.sente.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.json.JsonPacker;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SenteClientBuilderTest {

  @Test
  void theDefaultsAreSentesClientDefaults() {
    ClientConfig config = SenteClient.builder("http://localhost:8080/chsk").config();

    assertThat(config.transport()).isEqualTo(Transport.AUTO);
    assertThat(config.keepAlive()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.pingTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.upgradeRetryInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.packer()).isInstanceOf(JsonPacker.class);
    assertThat(config.clientId()).hasSize(36);
    assertThat(config.csrfToken().get()).isEmpty();
    assertThat(config.origin()).contains("http://localhost:8080");
    assertThat(config.stopReconnecting().test(ClientState.Closed.of(CloseReason.REJECTED, false)))
        .isFalse();
  }

  @Test
  void everyClientGetsItsOwnRandomClientId() {
    assertThat(SenteClient.builder("http://h/chsk").config().clientId())
        .isNotEqualTo(SenteClient.builder("http://h/chsk").config().clientId());
  }

  @Test
  void theOriginOmitsTheSchemesDefaultPort() {
    assertThat(SenteClient.builder("https://app.example:443/chsk").config().origin())
        .contains("https://app.example");
    assertThat(SenteClient.builder("https://app.example:8443/chsk").config().origin())
        .contains("https://app.example:8443");
  }

  @Test
  void aWebSocketEndpointIsAcceptedAndMappedToHttp() {
    assertThat(SenteClient.builder("wss://app.example/chsk").config().endpoint())
        .hasToString("https://app.example/chsk");
  }

  @Test
  void theOriginCanBeSetOrLeftOut() {
    assertThat(SenteClient.builder("http://h/chsk").origin("http://other").config().origin())
        .contains("http://other");
    assertThat(SenteClient.builder("http://h/chsk").header("origin", "http://x").config().origin())
        .contains("http://x");
    assertThat(SenteClient.builder("http://h/chsk").withoutOrigin().config().origin()).isEmpty();
  }

  @Test
  void aBlankCsrfTokenFromTheSupplierMeansNoToken() {
    ClientConfig config = SenteClient.builder("http://h/chsk").csrfToken(() -> " ").config();
    assertThat(config.csrfToken().get()).isEqualTo(Optional.empty());
  }

  @Test
  void stopReconnectingOnMatchesTheStatusOfAClosedState() {
    ClientConfig config =
        SenteClient.builder("http://h/chsk").stopReconnectingOn(401, 403).config();
    assertThat(config.stopReconnecting().test(closed(403))).isTrue();
    assertThat(config.stopReconnecting().test(closed(500))).isFalse();
    assertThat(config.stopReconnecting().test(ClientState.Closed.of(CloseReason.UNEXPECTED, false)))
        .isFalse();
  }

  @Test
  void badOptionsAreRefusedAtTheEdge() {
    SenteClientBuilder builder = SenteClient.builder("http://h/chsk");
    assertThatThrownBy(() -> SenteClient.builder("ftp://h/chsk"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SenteClient.builder("/chsk"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.keepAlive(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.clientId(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.packer(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.maxQueuedFrames(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ClientState.Closed closed(int status) {
    return new ClientState.Closed(CloseReason.REJECTED, OptionalInt.of(status), "", false);
  }
}
