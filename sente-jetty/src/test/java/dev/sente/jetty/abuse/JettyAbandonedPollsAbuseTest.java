package dev.sente.jetty.abuse;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.AbandonedPollsAbuse;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.ServerFixture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;

class JettyAbandonedPollsAbuseTest extends AbandonedPollsAbuse {

  private final Map<Integer, JettyServer> servers = new ConcurrentHashMap<>();

  @Override
  protected RunningServer start(SenteServer sente) {
    JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
    servers.put(jetty.port(), jetty);
    return RunningServer.of(URI.create("http://127.0.0.1:" + jetty.port() + "/"), jetty::close);
  }

  /** The remote ports of the connector's connected end points. */
  @Override
  protected Set<Integer> openConnectionPorts(ServerFixture server) {
    ServerConnector connector =
        (ServerConnector) servers.get(server.port()).jetty().getConnectors()[0];
    Set<Integer> ports = new HashSet<>();
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      SocketAddress remote = endPoint.getRemoteSocketAddress();
      if (remote instanceof InetSocketAddress inet) {
        ports.add(inet.getPort());
      }
    }
    return ports;
  }
}
