package dev.sente.jetty.abuse;

import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.ReservedIdsAbuse;
import dev.sente.testkit.conformance.RunningServer;

class JettyReservedIdsAbuseTest extends ReservedIdsAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyAbuseServers.start(sente);
  }
}
