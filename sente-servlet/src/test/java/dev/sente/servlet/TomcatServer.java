package dev.sente.servlet;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * An embedded Tomcat 11 on an ephemeral port for the tests: one context at the root with in-memory
 * sessions, Tomcat's WebSocket container (its {@link WsSci}), and {@link SenteServlet#register}.
 */
public final class TomcatServer implements AutoCloseable {

  private final Tomcat tomcat;
  private final ObservedProtocol protocol;
  private final Path baseDir;
  private final String host;

  private TomcatServer(Tomcat tomcat, ObservedProtocol protocol, Path baseDir, String host) {
    this.tomcat = tomcat;
    this.protocol = protocol;
    this.baseDir = baseDir;
    this.host = host;
  }

  /** Starts on all addresses, reached as {@code localhost}. */
  public static TomcatServer start(SenteServer sente) {
    return start(sente, null);
  }

  /** Starts on the given address only ({@code 127.0.0.1}), reached by it. */
  public static TomcatServer start(SenteServer sente, String address) {
    return start(sente, address, context -> {});
  }

  /** Starts with the application's own servlets, which {@code app} adds to the context. */
  public static TomcatServer start(SenteServer sente, String address, Consumer<Context> app) {
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("sente-tomcat");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    ObservedProtocol protocol = new ObservedProtocol();
    Connector connector = new Connector(protocol);
    connector.setPort(0);
    if (address != null) {
      connector.setProperty("address", address);
    }
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", baseDir.toString());
    StandardManager sessions = new StandardManager();
    sessions.setPathname(null); // in memory only, not saved at stop
    context.setManager(sessions);
    context.addServletContainerInitializer(new WsSci(), null);
    context.addServletContainerInitializer(
        (classes, servletContext) -> SenteServlet.register(servletContext, sente), null);
    app.accept(context);
    try {
      tomcat.start();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not start", e);
    }
    return new TomcatServer(tomcat, protocol, baseDir, address == null ? "localhost" : address);
  }

  public int port() {
    return tomcat.getConnector().getLocalPort();
  }

  /** The server's root, such as {@code http://localhost:41234/}. */
  public URI uri() {
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** For the testkit's suites. */
  public RunningServer running() {
    return RunningServer.of(uri(), this::close);
  }

  /** The client-side ports of the connections Tomcat has open now. */
  public Set<Integer> openConnectionPorts() {
    return protocol.remotePorts();
  }

  @Override
  public void close() {
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      throw new IllegalStateException("Tomcat did not stop", e);
    } finally {
      delete(baseDir);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }

  /** Tomcat's NIO protocol, telling which connections its endpoint has open. */
  private static final class ObservedProtocol extends Http11NioProtocol {
    Set<Integer> remotePorts() {
      Set<Integer> ports = new HashSet<>();
      for (SocketWrapperBase<?> connection : getEndpoint().getConnections()) {
        ports.add(connection.getRemotePort());
      }
      return ports;
    }
  }
}
