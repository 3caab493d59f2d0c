package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.CsrfConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatCsrfConformanceTest extends CsrfConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
