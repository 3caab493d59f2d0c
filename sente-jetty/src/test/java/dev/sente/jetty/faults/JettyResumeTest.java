package dev.sente.jetty.faults;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.faults.ResumeFaults;
import java.net.URI;

/** The resume fault suite on the embedded Jetty server. */
class JettyResumeTest extends ResumeFaults {
  @Override
  protected RunningServer start(SenteServer sente) {
    JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
    return RunningServer.of(URI.create("http://127.0.0.1:" + jetty.port() + "/"), jetty::close);
  }
}
