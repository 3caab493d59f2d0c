package dev.sente.servlet.conformance;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.AjaxConformance;
import dev.sente.testkit.conformance.RunningServer;

class TomcatAjaxConformanceTest extends AjaxConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServers.start(sente);
  }
}
