package dev.sente.jetty.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.abuse.AbandonedPollsAbuse;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawSocketRequest;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class JettyAbandonedPollsAbuseTest extends AbandonedPollsAbuse {

  private final Map<Integer, JettyServer> servers = new ConcurrentHashMap<>();

  /** Every connection that carried a poll (a GET without handshake), weakly. */
  private final List<WeakReference<Connection>> pollConnections = new CopyOnWriteArrayList<>();

  @Override
  protected RunningServer start(SenteServer sente) {
    Handler watch =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            String query = request.getHttpURI().getQuery();
            if (query != null && !query.contains("handshake")) {
              pollConnections.add(
                  new WeakReference<>(request.getConnectionMetaData().getConnection()));
            }
            return false;
          }
        };
    JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).before(watch).start();
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

  /**
   * The engine keeps a client whose poll was abandoned for its grace period; what it keeps of the
   * poll's request must not hold Jetty's connection (its parser, buffers and channel) alive.
   */
  @Test
  void theClientLeftBehindByAnAbandonedPollDoesNotKeepItsConnection() {
    Duration longer = Duration.ofSeconds(30);
    ServerFixture server = serve(builder().longPollTimeout(longer).reconnectGrace(longer, longer));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c1");
    RawSocketRequest poll = alice.getAbandonable("client-id=c1&udt=2");
    eventually().until(() -> server.sente().endpoint().heldPolls() == 1);
    assertThat(pollConnections).hasSize(1);

    poll.abandon();
    eventually().until(() -> server.sente().endpoint().heldPolls() == 0);
    eventually().until(() -> !openConnectionPorts(server).contains(poll.localPort()));

    eventually()
        .until(
            () -> {
              System.gc();
              return pollConnections.get(0).get() == null;
            });
    assertThat(server.sente().connectedUsers().ajax())
        .as("still in its grace period")
        .contains("alice");
  }
}
