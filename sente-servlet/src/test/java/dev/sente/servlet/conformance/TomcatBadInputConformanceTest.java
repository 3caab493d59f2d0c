package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.BadInputConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatBadInputConformanceTest extends BadInputConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
