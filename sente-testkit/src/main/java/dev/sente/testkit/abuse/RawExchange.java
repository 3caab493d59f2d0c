package dev.sente.testkit.abuse;

import dev.sente.testkit.conformance.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.1 request written byte for byte on a plain socket, so that its request target may hold
 * characters a {@link java.net.URI} refuses ({@code <}, {@code |}, {@code "} ...), and its response
 * read back raw. A WebSocket upgrade that the server accepts is read up to its first text frame.
 */
final class RawExchange {

  private static final int TIMEOUT_MILLIS = 10_000;

  /** What came back: the status, the headers (names in lower case) and the body or first frame. */
  record Response(int status, Map<String, List<String>> headers, String body) {
    /** The first value of a header, by its name in any case. */
    Optional<String> header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
  }

  private RawExchange() {}

  /** {@code GET <path>?<rawQuery>} with the peer's headers; the answer read to its end. */
  static Response get(ServerFixture server, String rawQuery, Map<String, String> headers) {
    return exchange(server, "GET", rawQuery, headers, false);
  }

  /**
   * A WebSocket upgrade {@code GET <path>?<rawQuery>}: on 101 the body is the first text frame the
   * server sent, otherwise the response body.
   */
  static Response upgrade(ServerFixture server, String rawQuery, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Upgrade", "websocket");
    all.put("Connection", "Upgrade");
    all.put("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    all.put("Sec-WebSocket-Version", "13");
    return exchange(server, "GET", rawQuery, all, true);
  }

  /** A request with any method (and no body) to the endpoint. */
  static Response request(
      ServerFixture server, String method, String rawQuery, Map<String, String> headers) {
    return exchange(server, method, rawQuery, headers, false);
  }

  private static Response exchange(
      ServerFixture server,
      String method,
      String rawQuery,
      Map<String, String> headers,
      boolean upgrade) {
    String host = server.running().baseUri().getHost();
    String target = server.sente().config().path() + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    StringBuilder request = new StringBuilder();
    request.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    request.append("Host: ").append(host).append(':').append(server.port()).append("\r\n");
    headers.forEach(
        (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    if (!upgrade) {
      request.append("Connection: close\r\n");
    }
    request.append("\r\n");
    try (Socket socket = new Socket(host, server.port())) {
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = readLine(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2) {
        throw new IllegalStateException("Not an HTTP status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        responseHeaders
            .computeIfAbsent(
                line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      String body =
          status == 101 ? readTextFrame(in) : readBody(in, responseHeaders, method.equals("HEAD"));
      return new Response(status, responseHeaders, body);
    } catch (IOException e) {
      throw new UncheckedIOException("Exchange " + method + " " + target + " failed", e);
    }
  }

  private static String readBody(InputStream in, Map<String, List<String>> headers, boolean head)
      throws IOException {
    if (head) {
      return "";
    }
    List<String> length = headers.get("content-length");
    if (length != null) {
      return new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
    }
    List<String> encoding = headers.get("transfer-encoding");
    if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
        if (size == 0) {
          break;
        }
        body.write(in.readNBytes(size));
        readLine(in);
      }
      return body.toString(StandardCharsets.UTF_8);
    }
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Reads one unmasked server frame and returns its text. */
  private static String readTextFrame(InputStream in) throws IOException {
    int first = in.read();
    int second = in.read();
    if (first < 0 || second < 0) {
      throw new IOException("The connection closed before the first frame");
    }
    long length = second & 0x7f;
    if (length == 126) {
      length = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | (in.read() & 0xff);
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if ((first & 0x0f) != 1) {
      return "<frame opcode " + (first & 0x0f) + ">";
    }
    return new String(payload, StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b < 0 && line.size() == 0) {
      throw new IOException("The connection closed before a full response");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
