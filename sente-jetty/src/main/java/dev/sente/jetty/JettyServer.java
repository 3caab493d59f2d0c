package dev.sente.jetty;

import dev.sente.jetty.internal.EmbeddedServer;
import dev.sente.server.SenteServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

/**
 * A running embedded Jetty server with a Sente endpoint, made by {@link SenteJetty#serve} or {@link
 * SenteJetty#server}. Closing it closes the {@link SenteServer} too.
 *
 * <pre>{@code
 * try (JettyServer server = SenteJetty.server(sente)
 *     .port(8080)
 *     .after(pages)            // the application's own Jetty handlers
 *     .start()) {
 *   System.out.println("open " + server.uri());
 *   server.jetty().join();
 * }
 * }</pre>
 *
 * <p>Its handler chain: a {@code SessionHandler} (in-memory sessions, so {@code
 * request.sessionAttribute(..)} and {@link SenteJetty#setSessionAttribute} work), then in order the
 * handlers added with {@link Builder#before}, Sente's endpoint, the browser client's files
 * (classpath {@code META-INF/resources/sente/} at {@code /sente/}), and the handlers added with
 * {@link Builder#after}. A request no handler takes is answered 404.
 */
public interface JettyServer extends AutoCloseable {

  /** The port it listens on (the actual one, also when started with port 0). */
  int port();

  /** {@code http://localhost:port}. */
  URI uri();

  /** The Jetty server itself, for what this API does not cover. */
  Server jetty();

  /** Closes the SenteServer, then stops Jetty. Idempotent; never throws. */
  @Override
  void close();

  /** Configures and starts an embedded server; obtained from {@link SenteJetty#server}. */
  final class Builder {
    private final SenteServer sente;
    private final List<Handler> before = new ArrayList<>();
    private final List<Handler> after = new ArrayList<>();
    private int port = 8080;
    private Optional<String> host = Optional.empty();
    private ClassLoader classLoader = SenteJetty.class.getClassLoader();
    private Optional<String> staticFiles = Optional.empty();

    Builder(SenteServer sente) {
      this.sente = Objects.requireNonNull(sente, "sente");
    }

    /** The port; 0 picks a free one. Default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0 to 65535: " + port);
      }
      this.port = port;
      return this;
    }

    /** The address to listen on, e.g. {@code "localhost"}; default every interface. */
    public Builder host(String host) {
      this.host = Optional.of(Objects.requireNonNull(host, "host"));
      return this;
    }

    /** Adds a handler that sees requests before Sente's endpoint does. */
    public Builder before(Handler handler) {
      before.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** Adds a handler that sees the requests that neither Sente nor earlier handlers took. */
    public Builder after(Handler handler) {
      after.add(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Where to look for the browser client's files ({@code META-INF/resources/sente/}); default
     * this library's class loader.
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * Serves the files of a classpath folder (for example {@code "public"}, that is {@code
     * src/main/resources/public/}) at {@code /}, with {@code index.html} as the welcome file: the
     * application's page, on the same origin as the endpoint. Looked up with the {@link
     * #classLoader class loader}; a missing folder fails {@link #start()}.
     */
    public Builder staticFiles(String classpathFolder) {
      Objects.requireNonNull(classpathFolder, "classpathFolder");
      String folder = classpathFolder.replaceAll("^/+|/+$", "");
      this.staticFiles = Optional.of(folder + "/");
      return this;
    }

    /**
     * Starts the server. Throws {@link dev.sente.core.SenteException} when Jetty cannot start (the
     * port is taken, ...); the SenteServer then stays open.
     */
    public JettyServer start() {
      return EmbeddedServer.start(
          sente, host, port, List.copyOf(before), List.copyOf(after), classLoader, staticFiles);
    }
  }
}
