package dev.sente.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sente.testkit.faults.FaultProxy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of a demo server, and a small control server the browser tests drive it
 * with: {@code POST /drop?ms=N} throws away every byte the browsers send for {@code N} ms (1 to
 * 10,000), then resets the connections that lost bytes, as a network that drops packets and then
 * fails would; it answers 204 at once. {@code GET /stats} answers {@code {"bytesDropped":n}}.
 */
final class LossyNetwork implements AutoCloseable {

  private static final long MAX_DROP_MS = 10_000;

  private final FaultProxy proxy;
  private final HttpServer control;
  private final ScheduledExecutorService timer;

  private LossyNetwork(FaultProxy proxy, HttpServer control) {
    this.proxy = proxy;
    this.control = control;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "lossy-network");
              thread.setDaemon(true);
              return thread;
            });
  }

  static LossyNetwork to(int port) throws IOException {
    FaultProxy proxy = FaultProxy.to(port);
    HttpServer control =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    LossyNetwork network = new LossyNetwork(proxy, control);
    control.createContext("/drop", network::drop);
    control.createContext("/stats", network::stats);
    control.start();
    return network;
  }

  /** The demo through the proxy. */
  String uri() {
    return proxy.uri().toString();
  }

  String controlUri() {
    return "http://127.0.0.1:" + control.getAddress().getPort();
  }

  private void drop(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getQuery();
      long ms = -1;
      if (exchange.getRequestMethod().equals("POST") && query != null && query.startsWith("ms=")) {
        try {
          ms = Long.parseLong(query.substring(3));
        } catch (NumberFormatException e) {
          ms = -1;
        }
      }
      if (ms < 1 || ms > MAX_DROP_MS) {
        answer(exchange, 400, "POST /drop?ms=1.." + MAX_DROP_MS);
        return;
      }
      proxy.stallDropping(FaultProxy.Direction.TO_SERVER);
      timer.schedule(proxy::resume, ms, TimeUnit.MILLISECONDS);
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void stats(HttpExchange exchange) throws IOException {
    try (exchange) {
      answer(exchange, 200, "{\"bytesDropped\":" + proxy.bytesDropped() + "}");
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    control.stop(0);
    timer.shutdownNow();
    proxy.close();
  }
}
