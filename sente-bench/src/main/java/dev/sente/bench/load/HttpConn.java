package dev.sente.bench.load;

import java.net.InetSocketAddress;

/**
 * A lean HTTP/1.1 client connection with keep-alive and one request at a time. Reads responses with
 * a Content-Length or chunked body. Reconnects by itself when the next request finds the connection
 * closed (a server's keep-alive timeout).
 */
final class HttpConn extends Conn {
  private static final byte[] HEADER_END = Bytes.ascii("\r\n\r\n");
  private static final byte[] CRLF = Bytes.ascii("\r\n");

  /** Hears the responses. */
  interface Listener {
    void onResponse(HttpConn conn, int status, byte[] body, int offset, int length);

    /** The connection closed while a request was outstanding. */
    void onLost(HttpConn conn, Exception cause);

    /** The TCP connection is up. */
    default void onConnected(HttpConn conn) {}
  }

  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final Listener listener;
  private byte[] waiting;
  private boolean outstanding;
  private boolean opening;

  HttpConn(Loop loop, InetSocketAddress remote, InetSocketAddress local, Listener listener) {
    super(loop);
    this.remote = remote;
    this.local = local;
    this.listener = listener;
  }

  /** Sends a request (a whole HTTP message); connects first when needed. */
  void request(byte[] message) {
    outstanding = true;
    if (isConnected()) {
      send(message);
    } else {
      waiting = message;
      if (!opening) {
        opening = true;
        connect(remote, local);
      }
    }
  }

  boolean outstanding() {
    return outstanding;
  }

  @Override
  void onConnected() {
    opening = false;
    listener.onConnected(this);
    if (waiting != null) {
      byte[] message = waiting;
      waiting = null;
      send(message);
    }
  }

  @Override
  int onBytes(byte[] data, int offset, int length) {
    int end = offset + length;
    int at = offset;
    while (at < end) {
      int headerEnd = Bytes.indexOf(data, at, end, HEADER_END);
      if (headerEnd < 0) {
        break;
      }
      int status = (int) Bytes.parseLong(data, at + 9, at + 12);
      int bodyStart = headerEnd + HEADER_END.length;
      String headers =
          new String(data, at, headerEnd - at, java.nio.charset.StandardCharsets.ISO_8859_1)
              .toLowerCase(java.util.Locale.ROOT);
      int contentLength = header(headers, "\ncontent-length:");
      if (contentLength >= 0) {
        if (end - bodyStart < contentLength) {
          break;
        }
        at = bodyStart + contentLength;
        deliver(status, data, bodyStart, contentLength);
      } else if (headers.contains("\ntransfer-encoding: chunked")) {
        int next = chunked(data, bodyStart, end, status);
        if (next < 0) {
          break;
        }
        at = next;
      } else {
        at = bodyStart;
        deliver(status, data, bodyStart, 0);
      }
      if (!isConnected()) {
        return length;
      }
    }
    return at - offset;
  }

  /** Reads a whole chunked body if present; returns the index after it, or -1. */
  private int chunked(byte[] data, int from, int end, int status) {
    byte[] body = new byte[0];
    int at = from;
    while (true) {
      int lineEnd = Bytes.indexOf(data, at, end, CRLF);
      if (lineEnd < 0) {
        return -1;
      }
      int size =
          Integer.parseInt(
              new String(data, at, lineEnd - at, java.nio.charset.StandardCharsets.ISO_8859_1)
                  .trim()
                  .split(";")[0],
              16);
      int chunkStart = lineEnd + 2;
      if (size == 0) {
        int trailerEnd = Bytes.indexOf(data, chunkStart - 2, end, HEADER_END);
        if (trailerEnd < 0) {
          return -1;
        }
        deliver(status, body, 0, body.length);
        return trailerEnd + HEADER_END.length;
      }
      if (end - chunkStart < size + 2) {
        return -1;
      }
      byte[] grown = java.util.Arrays.copyOf(body, body.length + size);
      System.arraycopy(data, chunkStart, grown, body.length, size);
      body = grown;
      at = chunkStart + size + 2;
    }
  }

  private static int header(String headers, String name) {
    int i = headers.indexOf(name);
    if (i < 0) {
      return -1;
    }
    int start = i + name.length();
    int stop = headers.indexOf('\r', start);
    return Integer.parseInt(headers.substring(start, stop < 0 ? headers.length() : stop).trim());
  }

  private void deliver(int status, byte[] data, int offset, int length) {
    outstanding = false;
    listener.onResponse(this, status, data, offset, length);
  }

  @Override
  void onClosed(Exception cause) {
    opening = false;
    if (outstanding) {
      outstanding = false;
      waiting = null;
      listener.onLost(this, cause);
    }
  }
}
