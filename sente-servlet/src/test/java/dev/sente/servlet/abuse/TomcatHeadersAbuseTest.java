package dev.sente.servlet.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.HeadersAbuse;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TomcatHeadersAbuseTest extends HeadersAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }

  @Test
  void theBrowserClientSaysNosniff() {
    ServerFixture server = serve(builder());

    RawResponse script =
        RawHttp.get(server.running().baseUri().resolve("sente/sente.js"), Map.of());

    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
    assertNosniff("sente.js", script);
  }
}
