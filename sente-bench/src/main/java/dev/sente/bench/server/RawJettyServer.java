package dev.sente.bench.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The ceiling: Jetty 12 with the same connector and thread pool as {@code SenteJetty}'s embedded
 * server and no protocol on top. WebSocket {@code /raw?uid=..} echoes every text message and
 * receives pushes as the bare stamp; {@link RawLongPoll} does the same over HTTP.
 */
final class RawJettyServer implements BenchServer {
  private final Server server;
  private final ServerConnector connector;
  private final Map<String, RawSocket> sockets;
  private final RawLongPoll polls;

  private RawJettyServer(
      Server server, ServerConnector connector, Map<String, RawSocket> sockets, RawLongPoll polls) {
    this.server = server;
    this.connector = connector;
    this.sockets = sockets;
    this.polls = polls;
  }

  static RawJettyServer start(int port) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("raw-jetty");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    Map<String, RawSocket> sockets = new ConcurrentHashMap<>();
    RawLongPoll polls = new RawLongPoll();
    WebSocketUpgradeHandler upgrades =
        WebSocketUpgradeHandler.from(
            server,
            container -> {
              container.setIdleTimeout(Duration.ofMinutes(10));
              container.addMapping(
                  "/raw",
                  (request, response, callback) -> {
                    String uid = Request.extractQueryParameters(request).getValue("uid");
                    return new RawSocket(uid == null ? "" : uid, sockets);
                  });
            });
    upgrades.setHandler(polls);
    server.setHandler(upgrades);
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not start", e);
    }
    return new RawJettyServer(server, connector, sockets, polls);
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public Pushed push(int first, int users, long intervalMicros, long durationMillis) {
    String[] ids = Pacer.userIds(first, users);
    return Pacer.run(
        users,
        intervalMicros,
        durationMillis,
        i -> {
          String stamp = Long.toString(System.nanoTime());
          RawSocket socket = sockets.get(ids[i]);
          if (socket != null) {
            socket.send(stamp);
          } else {
            polls.push(ids[i], stamp);
          }
        });
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop", e);
    }
  }
}
