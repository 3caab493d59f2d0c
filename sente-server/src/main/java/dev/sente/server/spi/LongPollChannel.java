package dev.sente.server.spi;

import dev.sente.core.Packed;

/**
 * A held Ajax response: a one-shot channel. {@link #complete} writes the whole body and ends the
 * response (Sente's trick: for Ajax, "send" means answer), so the engine treats a poll like a
 * socket that closes after one send.
 */
public interface LongPollChannel {

  /** True until completed or gone. */
  boolean isOpen();

  /** Writes the body with status 200 and ends the response; false if it was no longer open. */
  boolean complete(Packed body);

  /**
   * Runs the action once when the client goes away before the response was completed. Runs at once
   * if it already has.
   */
  void onGone(Runnable action);
}
