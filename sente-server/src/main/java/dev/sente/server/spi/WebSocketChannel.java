package dev.sente.server.spi;

import dev.sente.core.Packed;

/**
 * The engine's handle on one open WebSocket. The engine never calls {@link #send} again before the
 * previous send's callback ran (it keeps a single-writer queue per connection), so adapters need
 * not queue.
 */
public interface WebSocketChannel {

  /** True until the socket is closed. */
  boolean isOpen();

  /** Sends one frame, text or binary as the value is; the callback runs once when done. */
  void send(Packed frame, WriteCallback callback);

  /** Closes the socket with a close code and reason; does nothing when already closed. */
  void close(int code, String reason);

  /** The completion of one write. */
  interface WriteCallback {
    /** The frame was written. */
    void succeeded();

    /** The frame could not be written. */
    void failed(Throwable cause);
  }
}
