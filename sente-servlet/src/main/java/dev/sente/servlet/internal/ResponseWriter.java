package dev.sente.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes whole responses with a known length, no caching and {@code X-Content-Type-Options:
 * nosniff}: blocking on the container's thread during {@code service}, or without blocking through
 * a {@link WriteListener} once the request is asynchronous, completing it when all is written.
 */
final class ResponseWriter implements WriteListener {

  /** The header that keeps browsers from guessing a content type other than the one given. */
  static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

  private static final int CHUNK = 16 * 1024;

  private final AsyncContext async;
  private final ServletOutputStream out;
  private final byte[] body;
  private final AtomicBoolean done = new AtomicBoolean();
  private int written;

  private ResponseWriter(AsyncContext async, ServletOutputStream out, byte[] body) {
    this.async = async;
    this.out = out;
    this.body = body;
  }

  /**
   * Sets the status and headers; {@code closeConnection} asks the container to close the connection
   * afterwards (for a request whose body was left unread, or whose client is gone).
   */
  static void headers(
      HttpServletResponse response,
      int status,
      String contentType,
      long length,
      boolean closeConnection) {
    response.setStatus(status);
    response.setContentType(contentType);
    response.setHeader("Cache-Control", "no-store");
    response.setHeader(CONTENT_TYPE_OPTIONS, "nosniff");
    response.setContentLengthLong(length);
    if (closeConnection) {
      response.setHeader("Connection", "close");
    }
  }

  /** Writes on the calling thread, which must be the container's, inside {@code service}. */
  static void writeNow(
      HttpServletResponse response,
      int status,
      String contentType,
      byte[] body,
      boolean closeConnection) {
    headers(response, status, contentType, body.length, closeConnection);
    try {
      response.getOutputStream().write(body);
    } catch (IOException | IllegalStateException e) {
      // the client is gone; the container ends the exchange
    }
  }

  /** A short plain-text answer, on the container's thread. */
  static void writeTextNow(HttpServletResponse response, int status, String text) {
    writeNow(
        response, status, "text/plain;charset=utf-8", text.getBytes(StandardCharsets.UTF_8), false);
  }

  /** Writes without blocking, from any thread, and completes the asynchronous request. */
  static void writeAsync(
      AsyncContext async,
      HttpServletResponse response,
      int status,
      String contentType,
      byte[] body,
      boolean closeConnection) {
    ResponseWriter writer;
    try {
      headers(response, status, contentType, body.length, closeConnection);
      writer = new ResponseWriter(async, response.getOutputStream(), body);
    } catch (IOException | IllegalStateException e) {
      complete(async);
      return;
    }
    writer.out.setWriteListener(writer);
  }

  @Override
  public void onWritePossible() throws IOException {
    while (out.isReady()) {
      if (written == body.length) {
        finish();
        return;
      }
      int n = Math.min(CHUNK, body.length - written);
      out.write(body, written, n);
      written += n;
    }
  }

  @Override
  public void onError(Throwable cause) {
    finish();
  }

  private void finish() {
    if (done.compareAndSet(false, true)) {
      complete(async);
    }
  }

  static void complete(AsyncContext async) {
    try {
      async.complete();
    } catch (IllegalStateException alreadyEnded) {
      // the container ended the request itself (the client went away, the server stops)
    }
  }
}
