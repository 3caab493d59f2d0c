package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.HandshakeConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatHandshakeConformanceTest extends HandshakeConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
