package dev.sente.servlet.abuse;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.InboundFloodAbuse;
import dev.sente.testkit.conformance.RunningServer;

class TomcatInboundFloodAbuseTest extends InboundFloodAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }
}
