package dev.sente.servlet.abuse;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.OriginAbuse;
import dev.sente.testkit.conformance.RunningServer;

class TomcatOriginAbuseTest extends OriginAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente, "127.0.0.1").running();
  }
}
