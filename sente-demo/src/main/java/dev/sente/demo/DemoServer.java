package dev.sente.demo;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.Rejection;
import dev.sente.server.SenteRequest;
import dev.sente.server.SenteServer;
import dev.sente.server.cluster.Cluster;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo application: one page that shows what Sente does, on the embedded Jetty server. Open it
 * in two browser windows, log in as two users, and watch pushes, replies, the chat and the
 * connected users update in real time, over WebSocket or Ajax long-polling.
 *
 * <pre>{@code
 * // mvn -B -q -pl sente-demo -am package -DskipTests -Pdemo      (port: --port N, or PORT)
 * try (DemoServer demo = DemoServer.start(8080, DemoOptions.defaults())) {
 *   System.out.println("open " + demo.uri());
 *   demo.join();
 * }
 * }</pre>
 *
 * <p>The Sente setup is the one an application would write: built-in CSRF tokens, the same-origin
 * check, and the user id from the signed cookie that {@code POST /login} sets ({@link DemoLogin}).
 */
public final class DemoServer implements AutoCloseable {

  /** The port when neither {@code --port} nor {@code PORT} says otherwise. */
  public static final int DEFAULT_PORT = 8080;

  private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);

  private final JettyServer jetty;
  private final SenteServer sente;
  private final DemoEvents events;

  private DemoServer(JettyServer jetty, SenteServer sente, DemoEvents events) {
    this.jetty = jetty;
    this.sente = sente;
    this.events = events;
  }

  /**
   * Runs the demo until the process is stopped. Port: {@code --port N}, else {@code PORT}. With
   * {@code --cluster}: the cluster demo ({@link ClusterDemo}), two nodes behind a round-robin
   * balancer on that port, on the Redis of {@code --redis URI} or else a {@code redis-server} of
   * its own.
   */
  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean cluster = rest.remove("--cluster");
    Optional<URI> redis = Optional.empty();
    int port;
    try {
      int at = rest.indexOf("--redis");
      if (at >= 0) {
        if (at + 1 == rest.size()) {
          throw new IllegalArgumentException("--redis needs a URI, e.g. redis://localhost:6379");
        }
        redis = Optional.of(URI.create(rest.remove(at + 1)));
        rest.remove(at);
      }
      port = port(rest.toArray(new String[0]), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(
          "usage: DemoServer [--port N] [--cluster [--redis URI]]   (or the PORT environment"
              + " variable)");
      System.exit(2);
      return;
    }
    if (cluster) {
      ClusterDemo demo = ClusterDemo.start(port, redis, DemoOptions.defaults());
      Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "sente-demo-shutdown"));
      System.out.println();
      System.out.println("  Sente cluster demo running: open " + demo.uri() + " in two browser");
      System.out.println("  windows. Every HTTP request goes to the next of two nodes in turn;");
      System.out.println("  the connection card shows the node. Stop it with Ctrl-C.");
      System.out.println();
      demo.join();
      return;
    }
    DemoServer demo = start(port, DemoOptions.defaults());
    Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "sente-demo-shutdown"));
    System.out.println();
    System.out.println("  Sente demo running: open " + demo.uri() + " in two browser windows.");
    System.out.println("  Stop it with Ctrl-C.");
    System.out.println();
    demo.join();
  }

  /**
   * Starts the demo on a port (0 picks a free one).
   *
   * @throws dev.sente.core.SenteException when Jetty cannot start, e.g. the port is taken
   */
  public static DemoServer start(int port, DemoOptions options) {
    return start(port, options, null, null);
  }

  /**
   * Starts a demo node of a cluster ({@code cluster} null: a single server), its handshake data
   * naming it {@code node}.
   */
  static DemoServer start(int port, DemoOptions options, Cluster cluster, String node) {
    Objects.requireNonNull(options, "options");
    DemoEvents events = new DemoEvents(options.broadcastInterval(), node);
    SenteServer.Builder builder =
        SenteServer.builder()
            .csrf(options.csrfTokens())
            .userId(request -> request.cookie(DemoLogin.COOKIE).flatMap(DemoLogin::verify))
            .handshakeData(events::handshakeData)
            .longPollTimeout(options.longPollTimeout())
            .onError(
                (error, message) ->
                    LOG.warn(
                        "Handler failed{}: {}",
                        message.map(m -> " on " + m.id()).orElse(""),
                        error.toString()));
    if (cluster != null) {
      builder.cluster(cluster);
    }
    if (options.refuseWebSockets()) {
      builder.rejectWhen(DemoServer::refuseWebSocketUpgrade);
    }
    SenteServer sente = builder.build();
    events.attach(sente);
    new DemoTally().attach(sente);
    try {
      JettyServer jetty =
          SenteJetty.server(sente)
              .port(port)
              .after(new DemoPages(sente, options.csrfTokens()))
              .start();
      return new DemoServer(jetty, sente, events);
    } catch (RuntimeException e) {
      events.close();
      sente.close();
      throw e;
    }
  }

  /** The reject hook of {@link DemoOptions#refuseWebSockets()}: 403 for WebSocket upgrades. */
  static Optional<Rejection> refuseWebSocketUpgrade(SenteRequest request) {
    return request
        .header("Upgrade")
        .filter(value -> value.equalsIgnoreCase("websocket"))
        .map(value -> new Rejection(403, "WebSockets are turned off on this server"));
  }

  /**
   * The port from {@code --port N} or {@code --port=N}, else the {@code PORT} variable, else
   * {@value #DEFAULT_PORT}.
   *
   * @throws IllegalArgumentException for an unknown argument or a port outside 0..65535
   */
  static int port(String[] args, Map<String, String> env) {
    String value = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("--port needs a number");
        }
        value = args[++i];
      } else if (args[i].startsWith("--port=")) {
        value = args[i].substring("--port=".length());
      } else {
        throw new IllegalArgumentException("Unknown argument: " + args[i]);
      }
    }
    if (value == null) {
      value = env.get("PORT");
    }
    if (value == null || value.isBlank()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value.strip());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("The port must be 0 to 65535: " + value);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("The port must be a number: " + value, e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return jetty.port();
  }

  /** {@code http://localhost:port}. */
  public URI uri() {
    return jetty.uri();
  }

  /** The Sente server, e.g. to push from a test. */
  public SenteServer sente() {
    return sente;
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    jetty.jetty().join();
  }

  /**
   * Stops the broadcast loop, the Sente server and Jetty. Idempotent. It first stops accepting
   * connections: the clients whose sockets Sente then closes retry at once, and must be refused
   * rather than accepted by a server that is stopping (such a connection can be left open,
   * unanswered, and the browser waits on it).
   */
  @Override
  public void close() {
    for (Connector connector : jetty.jetty().getConnectors()) {
      if (connector instanceof AbstractNetworkConnector network) {
        network.shutdown();
      }
    }
    events.close();
    jetty.close();
  }
}
