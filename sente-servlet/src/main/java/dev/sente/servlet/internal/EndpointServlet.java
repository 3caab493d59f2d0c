package dev.sente.servlet.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.SenteException;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteServer;
import dev.sente.server.spi.SenteEndpoint;
import dev.sente.server.spi.WebSocketListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet of a Sente endpoint: every request to its mapping (one exact path) goes to the
 * engine, whatever its method. It upgrades WebSockets through the context's Jakarta WebSocket
 * {@link ServerContainer}, so that one path serves both transports, and owns the one timer thread
 * of its held polls' probes and its sockets' close timeouts.
 *
 * <p>Public only for registration with the servlet context; not an API.
 */
public final class EndpointServlet extends HttpServlet {

  private static final Logger LOG = LoggerFactory.getLogger(EndpointServlet.class);

  /** The shortest WebSocket idle timeout, whatever the keep-alive. */
  private static final long MIN_IDLE_TIMEOUT_MILLIS = 60_000;

  private final transient SenteEndpoint endpoint;
  private final long webSocketIdleTimeoutMillis;
  private final transient LogLimiter upgradeLog = LogLimiter.perMinute();
  private final transient ScheduledThreadPoolExecutor timers;

  private EndpointServlet(SenteEndpoint endpoint, long webSocketIdleTimeoutMillis) {
    this.endpoint = endpoint;
    this.webSocketIdleTimeoutMillis = webSocketIdleTimeoutMillis;
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "sente-servlet-timer");
              thread.setDaemon(true);
              return thread;
            });
    timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * The servlet for the server's endpoint. The WebSocket idle timeout is twice the keep-alive plus
   * the ping timeout (at least a minute): the engine finds dead sockets itself, long before.
   */
  public static EndpointServlet create(SenteServer sente) {
    Objects.requireNonNull(sente, "sente");
    SenteConfig config = sente.config();
    long idle = 2 * (config.keepAliveMillis() + config.pingTimeoutMillis());
    return new EndpointServlet(sente.endpoint(), Math.max(idle, MIN_IDLE_TIMEOUT_MILLIS));
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    RequestView view;
    try {
      view = RequestView.of(request);
    } catch (IllegalArgumentException e) {
      ResponseWriter.writeTextNow(response, 400, "Malformed query string");
      return;
    }
    ServletExchange exchange = new ServletExchange(request, response, view, this);
    try {
      endpoint.handle(exchange);
    } catch (RuntimeException e) {
      LOG.error("The Sente endpoint failed on {}", safe(view), e);
      exchange.respondIfOpen(500, "Internal error");
    }
    exchange.serviceReturning();
  }

  /** Upgrades the request, on the container's thread during {@code service}. */
  void upgrade(
      HttpServletRequest request,
      HttpServletResponse response,
      RequestView view,
      long maxMessageBytes,
      WebSocketListener listener) {
    ServletWebSocket socket =
        new ServletWebSocket(listener, maxMessageBytes, webSocketIdleTimeoutMillis, timers);
    Object container = getServletContext().getAttribute(ServerContainer.class.getName());
    if (!(container instanceof ServerContainer server)) {
      socket.upgradeFailed(new SenteException("no Jakarta WebSocket container in this context"));
      logUpgradeFailure(view, "the servlet context has no Jakarta WebSocket ServerContainer");
      ResponseWriter.writeTextNow(response, 500, "WebSocket unavailable");
      return;
    }
    ServerEndpointConfig config =
        ServerEndpointConfig.Builder.create(ServletWebSocket.class, endpoint.path())
            .configurator(
                new ServerEndpointConfig.Configurator() {
                  @Override
                  public <T> T getEndpointInstance(Class<T> type) {
                    return type.cast(socket);
                  }
                })
            .build();
    // also on the container's own refusal of a malformed upgrade (it keeps set headers)
    response.setHeader(ResponseWriter.CONTENT_TYPE_OPTIONS, "nosniff");
    try {
      server.upgradeHttpToWebSocket(request, response, config, Map.of());
    } catch (Exception e) {
      logUpgradeFailure(view, safe(e));
      socket.upgradeFailed(e);
      if (!response.isCommitted()) {
        ResponseWriter.writeTextNow(response, 400, "Bad WebSocket upgrade");
      }
      return;
    }
    if (response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
      socket.upgradeFailed(new SenteException("not a valid WebSocket upgrade request"));
      if (!response.isCommitted()) {
        ResponseWriter.writeTextNow(response, 400, "Bad WebSocket upgrade");
      }
    }
  }

  private void logUpgradeFailure(RequestView view, String why) {
    long skipped = upgradeLog.acquire();
    if (skipped >= 0) {
      LOG.warn("WebSocket upgrade failed for {}: {}{}", safe(view), why, LogLimiter.note(skipped));
    }
  }

  @Override
  public void destroy() {
    timers.shutdownNow();
  }

  @Override
  public String toString() {
    return "EndpointServlet[" + endpoint.path() + "]";
  }
}
