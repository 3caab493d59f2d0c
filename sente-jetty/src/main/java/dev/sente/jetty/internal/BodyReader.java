package dev.sente.jetty.internal;

import dev.sente.server.spi.HttpExchange.BodyCallback;
import java.io.ByteArrayOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body asynchronously with Jetty's demand loop, counting bytes as they arrive. It
 * stops at the first chunk that takes the count past the limit and never buffers more than the
 * limit. Exactly one method of the callback is called, on the caller's thread when the body is
 * already there, else on a Jetty thread.
 */
final class BodyReader implements Runnable {

  private final Request request;
  private final long maxBytes;
  private final BodyCallback callback;
  private final ByteArrayOutputStream body;
  private long count;

  private BodyReader(Request request, long maxBytes, BodyCallback callback, long expected) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.callback = callback;
    this.body = new ByteArrayOutputStream((int) Math.min(Math.max(expected, 256), 1 << 20));
  }

  /** Starts reading; refuses at once when the declared length is over the limit. */
  static void read(Request request, long maxBytes, BodyCallback callback) {
    long declared = Math.max(request.getLength(), declaredLength(request));
    if (declared > maxBytes) {
      callback.tooLarge();
      return;
    }
    new BodyReader(request, maxBytes, callback, declared).run();
  }

  private static long declaredLength(Request request) {
    try {
      return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk;
      try {
        chunk = request.read();
      } catch (RuntimeException e) {
        callback.failed(e);
        return;
      }
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        callback.failed(chunk.getFailure());
        return;
      }
      boolean last = chunk.isLast();
      int size = chunk.remaining();
      if (count + size > maxBytes) {
        chunk.release();
        callback.tooLarge();
        return;
      }
      count += size;
      if (size > 0) {
        byte[] bytes = new byte[size];
        chunk.getByteBuffer().get(bytes);
        body.write(bytes, 0, size);
      }
      chunk.release();
      if (last) {
        callback.completed(body.toByteArray());
        return;
      }
    }
  }
}
