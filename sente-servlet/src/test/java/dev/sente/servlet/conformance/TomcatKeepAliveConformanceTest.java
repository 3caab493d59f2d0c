package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.KeepAliveConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatKeepAliveConformanceTest extends KeepAliveConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
