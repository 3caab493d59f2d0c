package dev.sente.servlet.client;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.client.JavaClientConformance;
import dev.sente.testkit.conformance.RunningServer;

/** The Java client against the real server on Tomcat, on both transports. */
class JavaClientTest extends JavaClientConformance {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }
}
