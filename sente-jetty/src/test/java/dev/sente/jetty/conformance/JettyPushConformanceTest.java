package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.PushConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyPushConformanceTest extends PushConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
