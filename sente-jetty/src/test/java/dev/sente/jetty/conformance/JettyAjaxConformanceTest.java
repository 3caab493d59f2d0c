package dev.sente.jetty.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.AjaxConformance;
import dev.sente.testkit.conformance.RunningServer;

class JettyAjaxConformanceTest extends AjaxConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyServers.start(sente);
  }
}
