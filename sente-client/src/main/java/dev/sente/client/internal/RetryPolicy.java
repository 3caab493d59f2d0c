package dev.sente.client.internal;

import dev.sente.client.Backoff;
import dev.sente.client.ClientConfig;
import dev.sente.client.ClientState;
import dev.sente.core.SenteException;
import java.time.Duration;

/**
 * The application's retry rules, guarded: a backoff or stop rule that throws or answers nonsense is
 * reported to the error handler and replaced by the default, so a bug there never stops the client.
 */
final class RetryPolicy {

  private final ClientConfig config;

  RetryPolicy(ClientConfig config) {
    this.config = config;
  }

  /** The delay before retry number {@code attempt}. */
  Duration delay(int attempt) {
    try {
      Duration delay = config.backoff().delay(attempt);
      if (delay != null && !delay.isNegative()) {
        return delay;
      }
      config
          .errorHandler()
          .accept(new SenteException("The backoff gave " + delay + " for attempt " + attempt));
    } catch (RuntimeException e) {
      config.errorHandler().accept(e);
    }
    return Backoff.exponential().delay(attempt);
  }

  /** True when the client should stay closed after this state. */
  boolean stops(ClientState.Closed closed) {
    try {
      return config.stopReconnecting().test(closed);
    } catch (RuntimeException e) {
      config.errorHandler().accept(e);
      return false;
    }
  }
}
