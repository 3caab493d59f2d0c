package dev.sente.jetty.abuse;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.SlowReaderAbuse;
import dev.sente.testkit.conformance.RunningServer;
import java.net.URI;

class JettySlowReaderAbuseTest extends SlowReaderAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }
}
