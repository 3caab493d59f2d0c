package dev.sente.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The {@link Wire} on the JDK's {@link HttpClient}: no other dependency. */
public final class JdkWire implements Wire {

  private final HttpClient http;
  private final int maxMessageBytes;

  /** A wire on the given client; messages and bodies over {@code maxMessageBytes} fail. */
  public JdkWire(HttpClient http, int maxMessageBytes) {
    this.http = Objects.requireNonNull(http, "http");
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public CompletableFuture<Socket> openWebSocket(
      URI uri, Map<String, String> headers, Duration timeout, SocketListener listener) {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
    headers.forEach(builder::header);
    return builder
        .buildAsync(uri, new Adapter(listener, maxMessageBytes))
        .handle(
            (ws, error) -> {
              if (error == null) {
                return (Socket) new JdkSocket(ws);
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof WebSocketHandshakeException h) {
                throw new CompletionException(
                    new UpgradeRejectedException(h.getResponse().statusCode()));
              }
              throw new CompletionException(cause);
            });
  }

  @Override
  public CompletableFuture<Response> exchange(Request request) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
    if ("http".equals(request.uri().getScheme())) {
      builder.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance on plain HTTP
    }
    request.headers().forEach(builder::header);
    if (request.method().equals("POST")) {
      builder.POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    } else {
      builder.GET();
    }
    CompletableFuture<HttpResponse<byte[]>> sent =
        http.sendAsync(builder.build(), info -> new BoundedBody(maxMessageBytes));
    CompletableFuture<Response> out =
        sent.thenApply(response -> new Response(response.statusCode(), response.body()));
    out.whenComplete(
        (r, e) -> {
          if (out.isCancelled()) {
            sent.cancel(true);
          }
        });
    return out;
  }

  private record JdkSocket(WebSocket ws) implements Socket {
    @Override
    public CompletableFuture<?> sendText(String text) {
      return ws.sendText(text, true);
    }

    @Override
    public CompletableFuture<?> sendBinary(byte[] bytes) {
      return ws.sendBinary(ByteBuffer.wrap(bytes), true);
    }

    @Override
    public void close(int code, String reason) {
      ws.sendClose(code, reason).whenComplete((w, e) -> ws.abort());
    }

    @Override
    public void abort() {
      ws.abort();
    }
  }

  /** Assembles fragmented messages, bounded, and asks for one message at a time. */
  private static final class Adapter implements WebSocket.Listener {
    private final SocketListener listener;
    private final int max;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private boolean failed;

    Adapter(SocketListener listener, int max) {
      this.listener = listener;
      this.max = max;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (failed) {
        return null;
      }
      if (text.length() + data.length() > max) {
        tooLarge(ws);
        return null;
      }
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        listener.onText(message);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      if (failed) {
        return null;
      }
      if (binary.size() + data.remaining() > max) {
        tooLarge(ws);
        return null;
      }
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.write(chunk, 0, chunk.length);
      if (last) {
        byte[] message = binary.toByteArray();
        binary.reset();
        listener.onBinary(message);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      if (!failed) {
        listener.onClose(code, reason);
      }
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      if (!failed) {
        failed = true;
        listener.onError(error);
      }
    }

    private void tooLarge(WebSocket ws) {
      failed = true;
      ws.abort();
      listener.onError(new IOException("Message larger than " + max + " bytes"));
    }
  }

  /** Reads a body into memory, failing once it passes the limit instead of growing without end. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
      this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (out.size() + item.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new IOException("Body larger than " + max + " bytes"));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        out.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
