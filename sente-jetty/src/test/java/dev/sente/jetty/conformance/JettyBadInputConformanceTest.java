package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.BadInputConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyBadInputConformanceTest extends BadInputConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
