package dev.sente.jetty.abuse;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.OriginAbuse;
import dev.sente.testkit.conformance.RunningServer;
import java.net.URI;

class JettyOriginAbuseTest extends OriginAbuse {
  @Override
  protected RunningServer start(SenteServer sente) {
    var jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
    return RunningServer.of(URI.create("http://127.0.0.1:" + jetty.port() + "/"), jetty::close);
  }
}
