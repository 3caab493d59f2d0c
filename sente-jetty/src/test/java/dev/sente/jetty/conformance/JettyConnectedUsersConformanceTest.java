package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ConnectedUsersConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyConnectedUsersConformanceTest extends ConnectedUsersConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
