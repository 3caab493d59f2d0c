package dev.sente.servlet.abuse;

import dev.sente.server.SenteServer;
import dev.sente.servlet.TomcatServer;
import dev.sente.testkit.abuse.AbandonedPollsAbuse;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.ServerFixture;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

class TomcatAbandonedPollsAbuseTest extends AbandonedPollsAbuse {

  private final Map<Integer, TomcatServer> servers = new ConcurrentHashMap<>();

  @Override
  protected RunningServer start(SenteServer sente) {
    TomcatServer tomcat = TomcatServer.start(sente, "127.0.0.1");
    servers.put(tomcat.port(), tomcat);
    return tomcat.running();
  }

  @Override
  protected Set<Integer> openConnectionPorts(ServerFixture server) {
    return servers.get(server.port()).openConnectionPorts();
  }
}
