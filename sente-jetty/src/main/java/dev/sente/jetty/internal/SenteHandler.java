package dev.sente.jetty.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.internal.LogLimiter;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteServer;
import dev.sente.server.spi.SenteEndpoint;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty core handler of a Sente endpoint: takes the requests whose path in context equals the
 * endpoint's path and declines every other one, so it can sit among an application's handlers. It
 * upgrades WebSockets through the server's {@link ServerWebSocketContainer}, creating one when the
 * server has none.
 */
public final class SenteHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(SenteHandler.class);

  /** The shortest WebSocket idle timeout, whatever the keep-alive. */
  private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final SenteEndpoint endpoint;
  private final Duration webSocketIdleTimeout;
  private final LogLimiter upgradeLog = LogLimiter.perMinute();
  private volatile ServerWebSocketContainer container;

  private SenteHandler(SenteEndpoint endpoint, Duration webSocketIdleTimeout) {
    this.endpoint = endpoint;
    this.webSocketIdleTimeout = webSocketIdleTimeout;
  }

  /**
   * A handler for the server's endpoint. The WebSocket idle timeout is twice the keep-alive plus
   * the ping timeout (at least a minute): the engine finds dead sockets itself, long before.
   */
  public static SenteHandler create(SenteServer sente) {
    Objects.requireNonNull(sente, "sente");
    SenteConfig config = sente.config();
    Duration idle = Duration.ofMillis(2 * (config.keepAliveMillis() + config.pingTimeoutMillis()));
    return new SenteHandler(
        sente.endpoint(), idle.compareTo(MIN_IDLE_TIMEOUT) < 0 ? MIN_IDLE_TIMEOUT : idle);
  }

  /** The endpoint path this handler takes. */
  public String path() {
    return endpoint.path();
  }

  @Override
  public void setServer(Server server) {
    super.setServer(server);
    if (server != null) {
      ensureContainer(server);
    }
  }

  @Override
  protected void doStart() throws Exception {
    Server server = getServer();
    if (server == null) {
      throw new IllegalStateException("The Sente handler must be part of a Jetty Server");
    }
    ensureContainer(server);
    super.doStart();
  }

  private void ensureContainer(Server server) {
    if (container == null) {
      ServerWebSocketContainer found = ServerWebSocketContainer.ensure(server);
      addBean(found);
      container = found;
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!endpoint.path().equals(Request.getPathInContext(request))) {
      return false;
    }
    RequestView view;
    try {
      view = RequestView.of(request);
    } catch (IllegalArgumentException e) {
      JettyExchange.writeText(response, callback, 400, "Malformed query string");
      return true;
    }
    JettyExchange exchange =
        new JettyExchange(
            request, response, callback, view, container, webSocketIdleTimeout, upgradeLog);
    try {
      endpoint.handle(exchange);
    } catch (RuntimeException e) {
      LOG.error("The Sente endpoint failed on {}", safe(view), e);
      exchange.respondIfOpen(500, "Internal error");
    }
    return true;
  }

  @Override
  public String toString() {
    return "SenteHandler[" + endpoint.path() + "]";
  }
}
