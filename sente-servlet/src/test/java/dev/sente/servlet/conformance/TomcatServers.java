package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.conformance.RunningServer;

/** Starts the servlet adapter on an embedded Tomcat on an ephemeral port for the suites. */
final class TomcatServers {
  private TomcatServers() {}

  static RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }
}
