package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.CsrfConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyCsrfConformanceTest extends CsrfConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
