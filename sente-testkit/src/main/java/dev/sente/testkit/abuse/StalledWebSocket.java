package dev.sente.testkit.abuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * A WebSocket client on a plain socket with a small receive buffer that reads the upgrade response
 * and then nothing more: a consumer that stopped reading, whose kernel buffers fill at once, so the
 * server's writes stall for good. Nothing of Sente's protocol is built in.
 *
 * <pre>{@code
 * StalledWebSocket slow = StalledWebSocket.open(server.webSocketUri("client-id=s1"), headers);
 * // ... the server pushes; nothing is read
 * long bytes = slow.readUntilClosed(Duration.ofSeconds(5)); // after the server cut it
 * }</pre>
 */
public final class StalledWebSocket implements AutoCloseable {

  /** The receive buffer asked of the kernel (it may round it up). */
  public static final int RECEIVE_BUFFER = 4096;

  private final Socket socket;

  private StalledWebSocket(Socket socket) {
    this.socket = socket;
  }

  /** Opens the socket and upgrades it; fails unless the server answers 101. */
  public static StalledWebSocket open(URI uri, Map<String, String> headers) {
    Objects.requireNonNull(uri, "uri");
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    StringBuilder request = new StringBuilder();
    request.append("GET ").append(target).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
    byte[] key = new byte[16];
    new java.util.Random().nextBytes(key);
    request.append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(key));
    request.append("\r\n");
    headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    Socket socket = new Socket();
    try {
      socket.setReceiveBufferSize(RECEIVE_BUFFER); // before connecting, so the window is small
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String head = readHead(socket.getInputStream());
      if (!head.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new AssertionError("Upgrade refused: " + head.lines().findFirst().orElse(head));
      }
      return new StalledWebSocket(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing to clean up
      }
      throw new UncheckedIOException("WebSocket to " + uri + " failed", e);
    }
  }

  /** Reads the response head byte by byte, so that not one byte of the frames after it is read. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Connection closed in the response head: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Starts reading at last and reads until the connection ends (end of stream or reset); returns
   * the bytes read. Fails with an {@link AssertionError} when it is still open after {@code wait}.
   */
  public long readUntilClosed(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try {
      socket.setSoTimeout(100);
      InputStream in = socket.getInputStream();
      while (true) {
        try {
          int n = in.read(buffer);
          if (n < 0) {
            return total;
          }
          total += n;
        } catch (SocketTimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError(
                "The connection was still open after " + wait + " (" + total + " bytes read)");
          }
        }
      }
    } catch (IOException reset) {
      return total; // cut by the server
    }
  }

  /** Drops the connection. */
  @Override
  public void close() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
