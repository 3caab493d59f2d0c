package dev.sente.jetty.abuse;

import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.ResumeCursorAbuse;
import dev.sente.testkit.conformance.RunningServer;

class JettyResumeCursorAbuseTest extends ResumeCursorAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    return JettyAbuseServers.start(sente);
  }
}
