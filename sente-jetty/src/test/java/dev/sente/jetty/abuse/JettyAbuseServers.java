package dev.sente.jetty.abuse;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.net.URI;

/** Starts the Jetty adapter on an ephemeral port for the abuse suites. */
final class JettyAbuseServers {
  private JettyAbuseServers() {}

  static RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }
}
