package dev.sente.servlet.abuse;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.SlowReaderAbuse;
import dev.sente.testkit.conformance.RunningServer;

class TomcatSlowReaderAbuseTest extends SlowReaderAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return TomcatServer.start(sente).running();
  }
}
