package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.AuthorizationConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyAuthorizationConformanceTest extends AuthorizationConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
