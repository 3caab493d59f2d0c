package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.OriginConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyOriginConformanceTest extends OriginConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
