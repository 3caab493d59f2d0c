package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.HandshakeConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyHandshakeConformanceTest extends HandshakeConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
