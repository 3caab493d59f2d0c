package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.SlowClientConformance;

class TomcatSlowClientConformanceTest extends SlowClientConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
