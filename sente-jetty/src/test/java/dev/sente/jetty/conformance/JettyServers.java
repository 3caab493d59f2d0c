package dev.sente.jetty.conformance;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.net.URI;

/** Starts the Jetty adapter on an ephemeral port for the conformance suites. */
final class JettyServers {
  private JettyServers() {}

  static RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }
}
