package dev.sente.server.spi;

import dev.sente.core.Packed;

/**
 * What the engine hears from one WebSocket. The adapter calls {@link #onOpen} once, then {@link
 * #onMessage} in order and never in parallel, then {@link #onClose} once (also after an error, and
 * also when the socket closed before it opened, in which case {@link #onOpen} is not called).
 * Implementations return quickly: they never block an I/O thread.
 */
public interface WebSocketListener {

  /**
   * The socket is open and can send. The adapter asks for the first message once this returned,
   * unless the engine paused reading during it.
   */
  void onOpen(WebSocketChannel channel);

  /**
   * One whole text or binary message. The engine may call {@link WebSocketChannel#pauseReading()}
   * during it (see the flow-control rules there): then no further message comes until {@link
   * WebSocketChannel#resumeReading()}.
   */
  void onMessage(Packed message);

  /** The socket closed, for any reason. */
  void onClose(int code, String reason);

  /** A transport error; {@link #onClose} follows. */
  default void onError(Throwable cause) {}
}
