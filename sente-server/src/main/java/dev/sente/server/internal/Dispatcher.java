package dev.sente.server.internal;

import dev.sente.core.Protocol;
import dev.sente.server.ErrorHandler;
import dev.sente.server.EventHandler;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes messages to the handler of their id, or the catch-all. Runs each on the connection's
 * serial executor; a handler's exception goes to the error handler and, when the client wanted a
 * reply and got none, answers {@code chsk/error}.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private final Map<String, EventHandler> handlers = new ConcurrentHashMap<>();
  private final Set<String> warnedUnhandled = ConcurrentHashMap.newKeySet();
  private final ErrorHandler errorHandler;
  private volatile EventHandler catchAll;

  Dispatcher(ErrorHandler errorHandler) {
    this.errorHandler = errorHandler;
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
    EventHandler handler = handlers.getOrDefault(message.id(), catchAll);
    if (handler == null) {
      if (!message.id().startsWith(Protocol.RESERVED_PREFIX) && warnedUnhandled.add(message.id())) {
        LOG.warn(
            "No handler for event {} (from client {}); register one with on(..) or onAny(..)",
            message.id(),
            message.clientId());
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
}
