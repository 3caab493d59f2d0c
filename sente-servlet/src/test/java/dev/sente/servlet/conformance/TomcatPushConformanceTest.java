package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.PushConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatPushConformanceTest extends PushConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
