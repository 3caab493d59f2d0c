package dev.sente.server.spi;

import dev.sente.core.Packed;

/**
 * The engine's handle on one open WebSocket. The engine never calls {@link #send} again before the
 * previous send's callback ran (it keeps a single-writer queue per connection), so adapters need
 * not queue.
 *
 * <h2>Flow control of incoming messages</h2>
 *
 * The adapter asks its web server for the next incoming message only once the previous one was
 * delivered ({@link WebSocketListener#onMessage} returned), and not while reading is paused:
 *
 * <ul>
 *   <li>{@link #pauseReading()} is called by the engine only from within {@link
 *       WebSocketListener#onOpen} or {@link WebSocketListener#onMessage}, on the thread delivering
 *       it. Once that call returns, the adapter delivers no further message (it stops reading from
 *       the connection, so the peer gets TCP backpressure) until {@link #resumeReading()}.
 *   <li>{@link #resumeReading()} may be called from any thread, at any time, also before the
 *       delivery that paused has returned, and more than once: it undoes one pause, and is a no-op
 *       when reading is not paused. The adapter may deliver the next message on the calling thread
 *       before it returns; the engine calls it outside its locks.
 *   <li>Messages are still delivered one at a time and in order; pausing never drops one.
 * </ul>
 *
 * While reading is paused the adapter may not see the peer's control frames (pings, close) either;
 * {@link #close} and {@link #disconnect} still work, and {@link WebSocketListener#onClose} is still
 * called once.
 */
public interface WebSocketChannel {

  /** True until the socket is closed. */
  boolean isOpen();

  /** Sends one frame, text or binary as the value is; the callback runs once when done. */
  void send(Packed frame, WriteCallback callback);

  /**
   * Closes the socket with a close code and reason; does nothing when already closed. The adapter
   * may wait a bounded time for the close handshake before it drops the connection.
   */
  void close(int code, String reason);

  /**
   * Drops the connection now, without waiting for frames being written or for the close handshake:
   * for a peer that stopped reading, which would never receive a close frame. Queued writes fail.
   * The adapter still reports {@link WebSocketListener#onClose} (with whatever code it saw). Does
   * nothing when already closed.
   */
  void disconnect();

  /**
   * Stops delivering incoming messages until {@link #resumeReading()}; see the class comment for
   * when the engine calls it.
   */
  void pauseReading();

  /** Undoes {@link #pauseReading()}; any thread, idempotent (see the class comment). */
  void resumeReading();

  /** The completion of one write. */
  interface WriteCallback {
    /** The frame was written. */
    void succeeded();

    /** The frame could not be written. */
    void failed(Throwable cause);
  }
}
