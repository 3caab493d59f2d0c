package dev.sente.testkit.raw;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP/1.1 request written by hand on a plain socket and never read: a client that sends a
 * request (typically a long-poll) and then gives up on it. {@link #abandon()} drops the connection
 * with a reset, as a crashed client or a killed tab would; {@link #hangUp()} closes it in order (a
 * FIN), as a client that closes its socket or a proxy that times out would.
 *
 * <pre>{@code
 * RawSocketRequest poll = RawSocketRequest.get(URI.create(base + "/chsk?client-id=c3&udt=2"),
 *     Map.of("Origin", base));
 * // ... the server now holds the poll
 * poll.abandon();
 * }</pre>
 */
public final class RawSocketRequest implements AutoCloseable {

  private final Socket socket;

  private RawSocketRequest(Socket socket) {
    this.socket = socket;
  }

  /** Writes {@code GET <path?query> HTTP/1.1} with a {@code Host} header and the given headers. */
  public static RawSocketRequest get(URI uri, Map<String, String> headers) {
    Objects.requireNonNull(uri, "uri");
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    StringBuilder request = new StringBuilder();
    request.append("GET ").append(target).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    request.append("\r\n");
    try {
      Socket socket = new Socket(uri.getHost(), uri.getPort());
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new RawSocketRequest(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot send " + target, e);
    }
  }

  /** The client's port of the connection, to tell it among the server's connections. */
  public int localPort() {
    return socket.getLocalPort();
  }

  /** Closes the connection in order (a FIN) without reading the response. */
  public void hangUp() {
    try {
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Drops the connection with a reset without reading the response. */
  public void abandon() {
    try {
      socket.setSoLinger(true, 0); // a reset, as a crashed client or a killed tab
      socket.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    abandon();
  }
}
