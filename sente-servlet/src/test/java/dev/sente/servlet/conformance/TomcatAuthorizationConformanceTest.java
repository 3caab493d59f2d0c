package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.AuthorizationConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatAuthorizationConformanceTest extends AuthorizationConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
