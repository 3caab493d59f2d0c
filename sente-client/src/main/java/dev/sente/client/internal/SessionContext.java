package dev.sente.client.internal;

import dev.sente.client.ClientConfig;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every session of one client shares: configuration, wire forms, network, timers, the lock and
 * the core it reports to.
 */
record SessionContext(
    ClientConfig config,
    Protocol protocol,
    Wire wire,
    Scheduler scheduler,
    Object lock,
    Session.Listener listener,
    Requests requests,
    Resume resume) {

  private static final Logger LOG = LoggerFactory.getLogger(SessionContext.class);

  /** A cancellable that does nothing. */
  static final Cancellable NONE = () -> {};

  /** Runs the task after the delay, with the lock held. */
  Cancellable schedule(long delayMillis, Runnable task) {
    return scheduler.schedule(
        delayMillis,
        () -> {
          synchronized (lock) {
            task.run();
          }
        });
  }

  /** The CSRF token now; a supplier that throws counts as no token (and is logged). */
  Optional<String> csrfToken() {
    try {
      return config.csrfToken().get();
    } catch (RuntimeException e) {
      LOG.warn("The CSRF token supplier failed; connecting without a token", e);
      return Optional.empty();
    }
  }

  /** A body or message as the packer reads it: bytes for binary packers, UTF-8 text otherwise. */
  Packed packed(byte[] body) {
    return protocol.packer().binary()
        ? Packed.binary(body)
        : Packed.text(new String(body, StandardCharsets.UTF_8));
  }

  /** The cause inside the wrappers of an asynchronous failure. */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null
        && !(t instanceof CancellationException)) {
      t = t.getCause();
    }
    return t;
  }

  /** A short description of a failure: its class and message. */
  static String describe(Throwable error) {
    Throwable t = unwrap(error);
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
