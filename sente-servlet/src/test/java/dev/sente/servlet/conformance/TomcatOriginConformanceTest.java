package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.OriginConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatOriginConformanceTest extends OriginConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
