package dev.sente.jetty.client;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.client.JavaClientConformance;
import dev.sente.testkit.conformance.RunningServer;

/** The Java client against the real server on Jetty, on both transports. */
class JavaClientTest extends JavaClientConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(jetty.uri(), jetty::close);
  }
}
