package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A scripted network: the test plays the server, on its own thread, synchronously. */
final class FakeWire implements Wire {

  private final ArrayDeque<FakeSocket> sockets = new ArrayDeque<>();
  private final ArrayDeque<FakeExchange> exchanges = new ArrayDeque<>();

  @Override
  public synchronized CompletableFuture<Socket> openWebSocket(
      URI uri, Map<String, String> headers, Duration timeout, SocketListener listener) {
    FakeSocket socket = new FakeSocket(uri, headers, listener);
    sockets.add(socket);
    return socket.opening;
  }

  @Override
  public synchronized CompletableFuture<Response> exchange(Request request) {
    FakeExchange exchange = new FakeExchange(request);
    exchanges.add(exchange);
    return exchange.response;
  }

  /** The next WebSocket the client opened; fails when there is none. */
  synchronized FakeSocket nextSocket() {
    FakeSocket socket = sockets.poll();
    assertThat(socket).as("a WebSocket was opened").isNotNull();
    return socket;
  }

  /** The next HTTP exchange the client made; fails when there is none. */
  synchronized FakeExchange nextExchange() {
    FakeExchange exchange = exchanges.poll();
    assertThat(exchange).as("an HTTP exchange was made").isNotNull();
    return exchange;
  }

  synchronized int openedSockets() {
    return sockets.size();
  }

  synchronized int pendingExchanges() {
    return exchanges.size();
  }

  /** One WebSocket: what the client sent, and buttons for the server's side. */
  static final class FakeSocket implements Socket {
    final URI uri;
    final Map<String, String> headers;
    final SocketListener listener;
    final CompletableFuture<Socket> opening = new CompletableFuture<>();
    final List<String> sent = new ArrayList<>();
    CompletableFuture<Void> holdSends;
    int closeCode = -1;
    boolean aborted;

    FakeSocket(URI uri, Map<String, String> headers, SocketListener listener) {
      this.uri = uri;
      this.headers = headers;
      this.listener = listener;
    }

    FakeSocket accept() {
      opening.complete(this);
      return this;
    }

    void refuse(int status) {
      opening.completeExceptionally(new UpgradeRejectedException(status));
    }

    void unreachable() {
      opening.completeExceptionally(new java.net.ConnectException("Connection refused"));
    }

    FakeSocket receive(String text) {
      listener.onText(text);
      return this;
    }

    void serverClose(int code) {
      listener.onClose(code, "bye");
    }

    void error(String message) {
      listener.onError(new IOException(message));
    }

    synchronized String lastSent() {
      assertThat(sent).as("frames sent").isNotEmpty();
      return sent.get(sent.size() - 1);
    }

    synchronized List<String> sent() {
      return List.copyOf(sent);
    }

    boolean isClosed() {
      return closeCode != -1 || aborted;
    }

    @Override
    public synchronized CompletableFuture<?> sendText(String text) {
      sent.add(text);
      return holdSends != null ? holdSends : CompletableFuture.completedFuture(null);
    }

    int binaryFrames;

    @Override
    public synchronized CompletableFuture<?> sendBinary(byte[] bytes) {
      binaryFrames++;
      return sendText(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public void close(int code, String reason) {
      closeCode = code;
    }

    @Override
    public void abort() {
      aborted = true;
    }
  }

  /** One HTTP exchange, answered by the test. */
  static final class FakeExchange {
    final Request request;
    final CompletableFuture<Response> response = new CompletableFuture<>();

    FakeExchange(Request request) {
      this.request = request;
    }

    String method() {
      return request.method();
    }

    String query() {
      return request.uri().getRawQuery();
    }

    String body() {
      return new String(request.body(), StandardCharsets.UTF_8);
    }

    void respond(int status, String body) {
      response.complete(new Response(status, body.getBytes(StandardCharsets.UTF_8)));
    }

    void fail(Throwable error) {
      response.completeExceptionally(error);
    }

    boolean isCancelled() {
      return response.isCancelled();
    }
  }
}
