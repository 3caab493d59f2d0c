package dev.sente.jetty.abuse;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.InboundFloodAbuse;
import dev.sente.testkit.conformance.RunningServer;
import java.net.URI;

class JettyInboundFloodAbuseTest extends InboundFloodAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }
}
