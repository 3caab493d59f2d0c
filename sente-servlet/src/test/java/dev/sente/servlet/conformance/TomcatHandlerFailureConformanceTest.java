package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.HandlerFailureConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatHandlerFailureConformanceTest extends HandlerFailureConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
