package dev.sente.testkit.raw;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP/1.1 written by hand on a plain socket, with exactly the headers given, {@code Host} included
 * (the JDK's {@code HttpClient} refuses to set it): a request as a DNS-rebinding page or a proxy
 * sends it. Connects to the URI's address and port whatever the {@code Host} header says. Each
 * request uses its own connection ({@code Connection: close}) and waits at most {@link
 * #TIMEOUT_MILLIS} for the answer.
 *
 * <pre>{@code
 * RawResponse r = RawHostRequest.get(uri, Map.of("Host", "evil.example:8080",
 *     "Origin", "http://evil.example:8080"));
 * RawHostRequest.Upgrade ws = RawHostRequest.webSocket(wsUri, Map.of("Host", "app.test",
 *     "Origin", "http://app.test"));
 * assertThat(ws.status()).isEqualTo(101);
 * assertThat(ws.firstFrame()).contains("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
 * }</pre>
 */
public final class RawHostRequest {

  /** How long a request waits for each read of its answer. */
  public static final int TIMEOUT_MILLIS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private RawHostRequest() {}

  /**
   * The answer to a WebSocket upgrade: its HTTP status, and for 101 the first text message.
   *
   * @param status the HTTP status (101 when the upgrade was accepted)
   * @param firstFrame the first text message the server sent, empty unless upgraded
   */
  public record Upgrade(int status, Optional<String> firstFrame) {}

  /** A GET with these headers ({@code Host} from the URI unless given). */
  public static RawResponse get(URI uri, Map<String, String> headers) {
    try (Socket socket = open(uri)) {
      write(socket, "GET", uri, withConnectionClose(headers), new byte[0]);
      return readResponse(socket.getInputStream(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    }
  }

  /** A form POST ({@link RawHttp#FORM_CONTENT_TYPE}) with these headers and this body. */
  public static RawResponse post(URI uri, String formBody, Map<String, String> headers) {
    Map<String, String> all = withConnectionClose(headers);
    if (all.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      all.put("Content-Type", RawHttp.FORM_CONTENT_TYPE);
    }
    byte[] body = formBody.getBytes(StandardCharsets.UTF_8);
    all.put("Content-Length", String.valueOf(body.length));
    try (Socket socket = open(uri)) {
      write(socket, "POST", uri, all, body);
      return readResponse(socket.getInputStream(), false);
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + uri + " failed", e);
    }
  }

  /**
   * A WebSocket upgrade ({@code ws://} URI) with these headers; on 101 reads the first text
   * message, then closes with 1000.
   */
  public static Upgrade webSocket(URI uri, Map<String, String> headers) {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Upgrade", "websocket");
    all.put("Connection", "Upgrade");
    all.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
    all.put("Sec-WebSocket-Version", "13");
    try (Socket socket = open(uri)) {
      write(socket, "GET", uri, all, new byte[0]);
      InputStream in = socket.getInputStream();
      RawResponse response = readResponse(in, true);
      if (response.status() != 101) {
        return new Upgrade(response.status(), Optional.empty());
      }
      String frame = readTextMessage(in);
      writeClose(socket.getOutputStream());
      return new Upgrade(101, Optional.of(frame));
    } catch (IOException e) {
      throw new UncheckedIOException("WebSocket upgrade to " + uri + " failed", e);
    }
  }

  private static Socket open(URI uri) throws IOException {
    Objects.requireNonNull(uri, "uri");
    Socket socket = new Socket(uri.getHost(), uri.getPort());
    socket.setSoTimeout(TIMEOUT_MILLIS);
    return socket;
  }

  private static Map<String, String> withConnectionClose(Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    if (all.keySet().stream().noneMatch("Connection"::equalsIgnoreCase)) {
      all.put("Connection", "close");
    }
    return all;
  }

  private static void write(
      Socket socket, String method, URI uri, Map<String, String> headers, byte[] body)
      throws IOException {
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    if (headers.keySet().stream().noneMatch("Host"::equalsIgnoreCase)) {
      head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
    }
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static RawResponse readResponse(InputStream in, boolean upgrade) throws IOException {
    String statusLine = readLine(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("Not an HTTP status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers
            .computeIfAbsent(
                line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
    }
    if (upgrade && status == 101) {
      return new RawResponse(status, "", headers);
    }
    byte[] body;
    String encoding = first(headers, "transfer-encoding");
    String length = first(headers, "content-length");
    if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      body = readChunked(in);
    } else if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else {
      body = in.readAllBytes();
    }
    return new RawResponse(status, new String(body, StandardCharsets.UTF_8), headers);
  }

  private static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semicolon = sizeLine.indexOf(';');
      int size =
          Integer.parseInt(
              (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("The connection closed in the middle of the response");
      }
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int end =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
  }

  /** Reads frames until a whole text message arrived; control frames are skipped. */
  private static String readTextMessage(InputStream in) throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        throw new IOException("The connection closed before a text message");
      }
      long length = b1 & 0x7f;
      if (length == 126) {
        length = ((long) readByte(in) << 8) | readByte(in);
      } else if (length == 127) {
        length = 0;
        for (int i = 0; i < 8; i++) {
          length = (length << 8) | readByte(in);
        }
      }
      if (length > 1 << 20) {
        throw new IOException("A frame too large for a test: " + length + " bytes");
      }
      byte[] payload = in.readNBytes((int) length);
      int opcode = b0 & 0x0f;
      if (opcode == 0x8) {
        throw new IOException("The server closed the WebSocket before a text message");
      }
      if (opcode == 0x1 || opcode == 0x0) {
        message.write(payload);
        if ((b0 & 0x80) != 0) {
          return message.toString(StandardCharsets.UTF_8);
        }
      }
    }
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("The connection closed in the middle of a frame");
    }
    return b;
  }

  private static void writeClose(OutputStream out) throws IOException {
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    byte[] code = {(byte) (1000 >> 8), (byte) (1000 & 0xff)};
    out.write(new byte[] {(byte) 0x88, (byte) (0x80 | code.length)});
    out.write(mask);
    for (int i = 0; i < code.length; i++) {
      out.write(code[i] ^ mask[i % 4]);
    }
    out.flush();
  }
}
