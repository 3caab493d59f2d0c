package dev.sente.jetty.abuse;

import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.LogAbuse;
import dev.sente.testkit.conformance.RunningServer;

class JettyLogAbuseTest extends LogAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyAbuseServers.start(sente);
  }
}
