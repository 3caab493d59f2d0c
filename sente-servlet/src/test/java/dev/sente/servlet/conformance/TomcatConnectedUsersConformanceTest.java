package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ConnectedUsersConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatConnectedUsersConformanceTest extends ConnectedUsersConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
