package dev.sente.testkit.conformance;

import java.net.URI;
import java.util.Objects;

/**
 * A web server that an adapter started around a {@code SenteServer}, as the conformance suite sees
 * it: where it listens, and how to stop it. The Sente endpoint is at {@code baseUri} plus the
 * server's path ({@code /chsk} by default).
 *
 * <pre>{@code
 * protected RunningServer start(SenteServer sente) {
 *   var jetty = SenteJetty.serve(sente, 0);
 *   return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
 * }
 * }</pre>
 */
public interface RunningServer extends AutoCloseable {

  /** The server's root, such as {@code http://localhost:41234/}. */
  URI baseUri();

  /** Stops the web server. */
  @Override
  void close();

  /** A running server at a base URI, stopped by the given action. */
  static RunningServer of(URI baseUri, AutoCloseable stop) {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(stop, "stop");
    return new RunningServer() {
      @Override
      public URI baseUri() {
        return baseUri;
      }

      @Override
      public void close() {
        try {
          stop.close();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IllegalStateException("Could not stop the server at " + baseUri, e);
        }
      }

      @Override
      public String toString() {
        return "RunningServer[" + baseUri + "]";
      }
    };
  }
}
