package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.KeepAliveConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyKeepAliveConformanceTest extends KeepAliveConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
