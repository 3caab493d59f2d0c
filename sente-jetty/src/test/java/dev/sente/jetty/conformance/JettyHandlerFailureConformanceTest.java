package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.HandlerFailureConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyHandlerFailureConformanceTest extends HandlerFailureConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
