package dev.sente.client.net;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.json.JsonPacker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small Sente Ajax server (JSON packer) on the JDK's HTTP server: handshake GETs, held long-polls
 * the test answers with {@link #push}, POSTs echoed as replies. WebSocket upgrades are refused with
 * {@link #upgradeStatus} (the JDK server cannot do WebSockets). Test use only.
 */
final class MiniAjaxServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final Protocol protocol = Protocol.of(JsonPacker.create());
  final BlockingQueue<HttpExchange> polls = new LinkedBlockingQueue<>();
  final BlockingQueue<Map<String, List<String>>> requestHeaders = new LinkedBlockingQueue<>();
  final BlockingQueue<String> posted = new LinkedBlockingQueue<>();
  volatile int upgradeStatus = 500;
  volatile int status = 200;

  MiniAjaxServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(threads);
    server.createContext("/chsk", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/chsk";
  }

  /** Answers the next held poll with a push of one event. */
  void push(String eventId, String jsonData) throws InterruptedException, IOException {
    HttpExchange poll = polls.poll(10, TimeUnit.SECONDS);
    if (poll == null) {
      throw new AssertionError("no poll held within 10 s");
    }
    respond(poll, 200, "[[[\"" + eventId + "\"," + jsonData + "]],null]");
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requestHeaders.add(exchange.getRequestHeaders());
    String query = exchange.getRequestURI().getRawQuery();
    if ("websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"))) {
      respond(exchange, upgradeStatus, "no WebSockets here");
    } else if (status != 200) {
      respond(exchange, status, "refused");
    } else if (exchange.getRequestMethod().equals("POST")) {
      String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String ppstr = URLDecoder.decode(form.replaceFirst(".*ppstr=", ""), StandardCharsets.UTF_8);
      posted.add(ppstr);
      Protocol.Frame frame = protocol.read(Packed.text(ppstr));
      String reply =
          frame.hasCallback()
              ? protocol.reply(Map.of("echo", frame.payload()), null).toString()
              : protocol.dummyReply().toString();
      respond(exchange, 200, reply);
    } else if (query != null && query.contains("handshake%3F=1")) {
      respond(exchange, 200, "[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    } else {
      polls.add(exchange); // held until a push
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
