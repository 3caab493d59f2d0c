package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.SlowClientConformance;

class JettySlowClientConformanceTest extends SlowClientConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
