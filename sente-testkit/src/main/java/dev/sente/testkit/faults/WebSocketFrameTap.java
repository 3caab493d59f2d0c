package dev.sente.testkit.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads the server's side of one proxied TCP connection: when it is an HTTP 101 upgrade, reports
 * the payload of each text frame that follows (RFC 6455 framing, no extensions); any other response
 * is ignored. Used by one thread.
 *
 * <pre>{@code
 * WebSocketFrameTap tap = new WebSocketFrameTap(frames::add);
 * tap.feed(bytesFromServer, n);
 * }</pre>
 */
final class WebSocketFrameTap {

  private static final int OPCODE_TEXT = 1;

  /** The blank line that ends an HTTP head. */
  static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

  private final Consumer<String> textFrames;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private boolean headersRead;
  private boolean ignoring;

  WebSocketFrameTap(Consumer<String> textFrames) {
    this.textFrames = textFrames;
  }

  /** Takes the next bytes the server wrote. */
  void feed(byte[] bytes, int length) {
    if (ignoring) {
      return;
    }
    pending.write(bytes, 0, length);
    byte[] all = pending.toByteArray();
    int at = 0;
    if (!headersRead) {
      int end = indexOf(all, END_OF_HEADERS);
      if (end < 0) {
        return;
      }
      String status = new String(all, 0, end, StandardCharsets.ISO_8859_1);
      if (!status.startsWith("HTTP/1.1 101")) {
        ignoring = true;
        pending.reset();
        return;
      }
      headersRead = true;
      at = end + END_OF_HEADERS.length;
    }
    at = readFrames(all, at);
    pending.reset();
    pending.write(all, at, all.length - at);
  }

  /** Reads the complete frames from {@code at}; returns where the incomplete rest starts. */
  private int readFrames(byte[] all, int at) {
    while (all.length - at >= 2) {
      int opcode = all[at] & 0x0F;
      boolean masked = (all[at + 1] & 0x80) != 0;
      long length = all[at + 1] & 0x7F;
      int header = 2;
      if (length == 126) {
        if (all.length - at < 4) {
          return at;
        }
        length = ((all[at + 2] & 0xFF) << 8) | (all[at + 3] & 0xFF);
        header = 4;
      } else if (length == 127) {
        if (all.length - at < 10) {
          return at;
        }
        length = 0;
        for (int i = 2; i < 10; i++) {
          length = (length << 8) | (all[at + i] & 0xFF);
        }
        header = 10;
      }
      int maskBytes = masked ? 4 : 0;
      long frameEnd = at + header + maskBytes + length;
      if (frameEnd > all.length) {
        return at;
      }
      int payloadStart = at + header + maskBytes;
      byte[] payload = new byte[(int) length];
      for (int i = 0; i < payload.length; i++) {
        byte b = all[payloadStart + i];
        payload[i] = masked ? (byte) (b ^ all[at + header + (i % 4)]) : b;
      }
      if (opcode == OPCODE_TEXT) {
        textFrames.accept(new String(payload, StandardCharsets.UTF_8));
      }
      at = (int) frameEnd;
    }
    return at;
  }

  /** Where the needle first stands in the haystack, or -1. */
  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
