package dev.sente.jetty.internal;

import dev.sente.core.SenteException;
import dev.sente.jetty.JettyServer;
import dev.sente.server.SenteServer;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.session.SessionHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-line embedded server: Jetty with one HTTP connector, in-memory sessions, the
 * application's handlers around Sente's, and the browser client's files from the classpath.
 */
public final class EmbeddedServer implements JettyServer {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

  /** Where the browser client's files live on the classpath. */
  public static final String CLIENT_RESOURCES = "META-INF/resources/sente/";

  /** The URL path they are served under. */
  public static final String CLIENT_PATH = "/sente";

  private final SenteServer sente;
  private final Server server;
  private final ServerConnector connector;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedServer(SenteServer sente, Server server, ServerConnector connector) {
    this.sente = sente;
    this.server = server;
    this.connector = connector;
  }

  /**
   * Builds and starts the server; on failure stops it again (but leaves the SenteServer open) and
   * throws {@link SenteException}.
   */
  public static EmbeddedServer start(
      SenteServer sente,
      Optional<String> host,
      int port,
      List<Handler> before,
      List<Handler> after,
      ClassLoader classLoader,
      Optional<String> staticFiles) {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("sente-jetty");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // Jetty's header cache is an index of about 100 KB per HTTP/1.1 connection, created with its
    // first request; each held long-poll would keep one.
    http.setHeaderCacheSize(0);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    host.ifPresent(connector::setHost);
    connector.setPort(port);
    server.addConnector(connector);

    List<Handler> handlers = new ArrayList<>(before);
    handlers.add(SenteHandler.create(sente));
    classpathFolder(classLoader, CLIENT_RESOURCES, CLIENT_PATH, true).ifPresent(handlers::add);
    if (staticFiles.isPresent()) {
      handlers.add(
          classpathFolder(classLoader, staticFiles.get(), "/", false)
              .orElseThrow(
                  () ->
                      new SenteException(
                          "No folder "
                              + staticFiles.get()
                              + " on the classpath for static files")));
    }
    handlers.addAll(after);
    SessionHandler sessions = new SessionHandler();
    sessions.setHandler(new Handler.Sequence(handlers));
    server.setHandler(sessions);
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw new SenteException("Could not start Jetty on port " + port + ": " + e.getMessage(), e);
    }
    LOG.info("Sente is listening on http://localhost:{}", connector.getLocalPort());
    return new EmbeddedServer(sente, server, connector);
  }

  /**
   * A context at the path serving a classpath folder, when the folder is there; {@code nosniff}
   * adds {@code X-Content-Type-Options: nosniff} to its responses (Sente's own files).
   */
  private static Optional<Handler> classpathFolder(
      ClassLoader classLoader, String folder, String path, boolean nosniff) {
    URL url = classLoader.getResource(folder);
    if (url == null) {
      LOG.debug("No {} on the classpath: not served at {}", folder, path);
      return Optional.empty();
    }
    ContextHandler context = new ContextHandler(path);
    Resource base = ResourceFactory.of(context).newResource(url);
    if (base == null || !base.exists()) {
      return Optional.empty();
    }
    ResourceHandler resources = new ResourceHandler();
    resources.setBaseResource(base);
    resources.setDirAllowed(false);
    resources.setCacheControl("no-cache");
    resources.setWelcomeFiles(List.of("index.html"));
    context.setHandler(nosniff ? new Nosniff(resources) : resources);
    return Optional.of(context);
  }

  /** Says {@code X-Content-Type-Options: nosniff} on the responses of the handler it wraps. */
  private static final class Nosniff extends Handler.Wrapper {
    Nosniff(Handler handler) {
      super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      response.getHeaders().put(JettyExchange.CONTENT_TYPE_OPTIONS, "nosniff");
      if (super.handle(request, response, callback)) {
        return true;
      }
      response.getHeaders().remove(JettyExchange.CONTENT_TYPE_OPTIONS);
      return false;
    }
  }

  @Override
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public URI uri() {
    return URI.create("http://localhost:" + port());
  }

  @Override
  public Server jetty() {
    return server;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Refuse new connections first: clients reconnect at once when Sente closes their sockets,
    // and a connection accepted by a stopping server would hang.
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (connector instanceof org.eclipse.jetty.server.AbstractNetworkConnector network) {
        network.close();
      }
    }
    try {
      sente.close();
    } catch (RuntimeException e) {
      LOG.warn("Closing the Sente server failed", e);
    }
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Stopping Jetty failed", e);
    }
  }

  @Override
  public String toString() {
    return "JettyServer[" + (closed.get() ? "closed" : uri()) + "]";
  }
}
