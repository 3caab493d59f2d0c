package dev.sente.jetty.adapter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A JDK WebSocket client that records whole messages and the close it receives. */
final class WsClient implements WebSocket.Listener {

  final List<Object> received = new CopyOnWriteArrayList<>();
  final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  volatile String closeReason;
  volatile java.util.function.Consumer<ByteBuffer> onPong = pong -> {};
  private StringBuilder text = new StringBuilder();
  private ByteBuffer binary = ByteBuffer.allocate(0);
  WebSocket socket;

  static WsClient connect(HttpClient http, URI uri) throws Exception {
    WsClient client = new WsClient();
    client.socket = http.newWebSocketBuilder().buildAsync(uri, client).get(5, TimeUnit.SECONDS);
    return client;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    text.append(data);
    if (last) {
      received.add(text.toString());
      text = new StringBuilder();
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
    joined.put(binary).put(data).flip();
    binary = joined;
    if (last) {
      byte[] bytes = new byte[binary.remaining()];
      binary.get(bytes);
      received.add(bytes);
      binary = ByteBuffer.allocate(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    onPong.accept(message);
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeReason = reason;
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.completeExceptionally(error);
  }
}
