package dev.sente.jetty.abuse;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.testkit.abuse.ForkedPollServer;
import org.eclipse.jetty.server.ServerConnector;

/** The server of {@link JettyAbandonedPollsHeapTest}: Sente on the embedded Jetty at 127.0.0.1. */
public final class PollServerMain {
  private PollServerMain() {}

  public static void main(String[] args) throws Exception {
    ForkedPollServer.serve(
        sente -> {
          JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
          ServerConnector connector = (ServerConnector) jetty.jetty().getConnectors()[0];
          return new ForkedPollServer.Started(
              jetty.port(), () -> connector.getConnectedEndPoints().size(), jetty);
        });
  }
}
