package dev.sente.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The network under a client: opening WebSockets and making HTTP exchanges. {@link JdkWire} is the
 * real one; tests give a scripted fake, so the client's state machine runs without a network.
 *
 * <p>Futures may complete on any thread. Cancelling an exchange's future aborts the exchange.
 */
public interface Wire {

  /**
   * Opens a WebSocket. The future fails with {@link UpgradeRejectedException} when the server
   * answers the upgrade with an HTTP status, or with an {@link java.io.IOException} when it cannot
   * be reached. The listener may be called before the future completes.
   */
  CompletableFuture<Socket> openWebSocket(
      URI uri, Map<String, String> headers, Duration timeout, SocketListener listener);

  /** Makes one HTTP exchange; fails with an {@link java.io.IOException} for network errors. */
  CompletableFuture<Response> exchange(Request request);

  /** An open WebSocket. At most one send may be outstanding at a time. */
  interface Socket {
    /** Sends a whole text message. */
    CompletableFuture<?> sendText(String text);

    /** Sends a whole binary message. */
    CompletableFuture<?> sendBinary(byte[] bytes);

    /** Sends a close frame, then drops the connection. */
    void close(int code, String reason);

    /** Drops the connection at once. */
    void abort();
  }

  /** Hears one WebSocket; called one at a time, in order. */
  interface SocketListener {
    /** A whole text message. */
    void onText(String text);

    /** A whole binary message. */
    void onBinary(byte[] bytes);

    /** The server closed the WebSocket. */
    void onClose(int code, String reason);

    /** The WebSocket failed. */
    void onError(Throwable error);
  }

  /**
   * An HTTP request.
   *
   * @param method {@code GET} or {@code POST}
   * @param uri the full URI with the query string
   * @param headers the headers
   * @param body the body of a POST, empty for a GET
   * @param timeout the request timeout
   */
  record Request(
      String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
    public Request {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /**
   * An HTTP response.
   *
   * @param status the status code
   * @param body the body
   */
  record Response(int status, byte[] body) {
    public Response {
      Objects.requireNonNull(body, "body");
    }
  }

  /** The server answered a WebSocket upgrade with an HTTP status instead of 101. */
  final class UpgradeRejectedException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /** The status of the refused upgrade. */
    public UpgradeRejectedException(int status) {
      super("WebSocket upgrade answered with HTTP " + status);
      this.status = status;
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }
  }
}
