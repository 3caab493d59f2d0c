package dev.sente.servlet.internal;

import dev.sente.server.spi.HttpExchange.BodyCallback;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads a request body with the servlet's non-blocking {@link ReadListener}, counting bytes as they
 * arrive. It stops at the first chunk that takes the count past the limit and never buffers more
 * than the limit. Exactly one method of the callback is called, on a container thread.
 */
final class BodyReader implements ReadListener {

  private static final int CHUNK = 8192;

  private final ServletInputStream in;
  private final long maxBytes;
  private final BodyCallback callback;
  private final ByteArrayOutputStream body;
  private final byte[] chunk = new byte[CHUNK];
  private final AtomicBoolean done = new AtomicBoolean();
  private long count;

  private BodyReader(ServletInputStream in, long maxBytes, BodyCallback callback, long expected) {
    this.in = in;
    this.maxBytes = maxBytes;
    this.callback = callback;
    this.body = new ByteArrayOutputStream((int) Math.min(Math.max(expected, 256), 1 << 20));
  }

  /** Starts reading (the request must be in async mode); call only when the length may fit. */
  static void start(ServletInputStream in, long declared, long maxBytes, BodyCallback callback) {
    in.setReadListener(new BodyReader(in, maxBytes, callback, declared));
  }

  @Override
  public void onDataAvailable() throws IOException {
    while (!done.get() && in.isReady()) {
      int n = in.read(chunk);
      if (n < 0) {
        return; // onAllDataRead follows
      }
      if (count + n > maxBytes) {
        if (done.compareAndSet(false, true)) {
          callback.tooLarge();
        }
        return;
      }
      count += n;
      body.write(chunk, 0, n);
    }
  }

  @Override
  public void onAllDataRead() {
    if (done.compareAndSet(false, true)) {
      callback.completed(body.toByteArray());
    }
  }

  @Override
  public void onError(Throwable cause) {
    if (done.compareAndSet(false, true)) {
      callback.failed(cause);
    }
  }
}
