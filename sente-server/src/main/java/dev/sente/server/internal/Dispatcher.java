package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Protocol;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.ErrorHandler;
import dev.sente.server.EventHandler;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes messages to the handler of their id, or the catch-all. Runs each on the connection's
 * serial executor; a handler's exception goes to the error handler and, when the client wanted a
 * reply and got none, answers {@code chsk/error}.
 *
 * <p>An event without a handler is logged once per id, for the first {@value #MAX_WARNED_IDS} ids:
 * the ids come from clients, so the ids remembered are bounded; past them, a few lines a minute.
 */
final class Dispatcher {
  /** How many unhandled event ids are remembered (each warned about once). */
  static final int MAX_WARNED_IDS = 256;

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();
  private final Set<String> warnedUnhandled = ConcurrentHashMap.newKeySet();
  private final LogLimiter unhandledLog;
  private final ErrorHandler errorHandler;
  private volatile EventHandler catchAll;

  /** A dispatcher; the clock (milliseconds) paces the log lines past the remembered ids. */
  Dispatcher(ErrorHandler errorHandler, LongSupplier clock) {
    this.errorHandler = errorHandler;
    this.unhandledLog = LogLimiter.perMinute(clock);
  }

  void on(String eventId, EventHandler handler) {
    handlers.put(eventId, handler);
  }

  void onAny(EventHandler handler) {
    catchAll = handler;
  }

  /** True when a handler (its own or the catch-all) would receive events of this id. */
  boolean isHandled(String eventId) {
    return catchAll != null || handlers.containsKey(eventId);
  }

  /** Runs the message's handler on the executor (the connection's serial executor). */
  void dispatch(Executor executor, Message message) {
    try {
      executor.execute(() -> run(message));
    } catch (RuntimeException rejected) {
      LOG.debug("Dropped {}: handler executor closed", message);
    }
  }

  /**
   * Queues the message's handler on a bounded executor unless it is full; false (nothing queued)
   * when it is.
   */
  boolean offer(dev.sente.core.concurrent.SerialExecutor executor, Message message) {
    try {
      return executor.offer(() -> run(message));
    } catch (RuntimeException rejected) {
      LOG.debug("Dropped {}: handler executor closed", message);
      return true;
    }
  }

  private void run(Message message) {
    if (!message.claimed()) {
      LOG.debug("Dropped {}: handled on another node of the cluster", message);
      return;
    }
    EventHandler handler = handlers.getOrDefault(message.id(), catchAll);
    if (handler == null) {
      if (!message.id().startsWith(Protocol.RESERVED_PREFIX)) {
        warnUnhandled(message);
      }
      message.replyKeywordIfUnanswered(Protocol.ERROR);
      return;
    }
    try {
      handler.handle(message);
    } catch (Throwable e) {
      try {
        errorHandler.onError(e, Optional.of(message));
      } catch (RuntimeException inHook) {
        LOG.error("Error handler failed", inHook);
      }
      message.replyKeywordIfUnanswered(Protocol.ERROR);
    }
  }

  private void warnUnhandled(Message message) {
    String id = message.id();
    if (warnedUnhandled.contains(id)) {
      return;
    }
    if (warnedUnhandled.size() < MAX_WARNED_IDS) {
      if (warnedUnhandled.add(id)) {
        LOG.warn(
            "No handler for event {} (from client {}); register one with on(..) or onAny(..)",
            safe(id),
            safe(message.clientId()));
      }
      return;
    }
    long skipped = unhandledLog.acquire();
    if (skipped >= 0) {
      LOG.warn(
          "No handler for event {} (from client {}); over {} ids without a handler, not"
              + " remembered{}",
          safe(id),
          safe(message.clientId()),
          MAX_WARNED_IDS,
          LogLimiter.note(skipped));
    }
  }

  /** How many unhandled ids are remembered. */
  int warnedUnhandledCount() {
    return warnedUnhandled.size();
  }
}
