package dev.sente.server;

import java.util.Optional;

/**
 * Hears what went wrong in application code: a handler or listener that threw. Called on the thread
 * that ran the code; must not throw. The default logs at ERROR.
 */
@FunctionalInterface
public interface ErrorHandler {
  /** A handler failed on the message, or a listener failed (no message). */
  void onError(Throwable error, Optional<EventMessage> message);
}
