package dev.sente.client.internal;

import dev.sente.client.ClientState;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Registration;
import dev.sente.core.Event;
import dev.sente.core.Packer;
import dev.sente.core.concurrent.SerialExecutor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's handlers and listeners, and the executors they run on. Handlers and state
 * listeners run one at a time, in order, on a {@link SerialExecutor}; request futures complete on
 * the plain executor, so a handler that waits for a reply does not block its own completion.
 */
final class Callbacks {

  private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);

  private final Executor executor;
  private final SerialExecutor serial;
  private final Packer packer;
  private final Consumer<Throwable> errorHandler;
  private final Map<String, Consumer<IncomingEvent>> handlers = new ConcurrentHashMap<>();
  private final List<Consumer<ClientState>> stateListeners = new CopyOnWriteArrayList<>();
  private volatile Consumer<IncomingEvent> any;
  private volatile boolean closed;

  Callbacks(Executor executor, Packer packer, Consumer<Throwable> errorHandler) {
    this.executor = executor;
    this.packer = packer;
    this.errorHandler = errorHandler;
    this.serial = new SerialExecutor(executor, (task, error) -> report(error));
  }

  void on(String eventId, Consumer<IncomingEvent> handler) {
    handlers.put(eventId, Objects.requireNonNull(handler, "handler"));
  }

  void onAny(Consumer<IncomingEvent> handler) {
    any = Objects.requireNonNull(handler, "handler");
  }

  Registration onState(Consumer<ClientState> listener) {
    Objects.requireNonNull(listener, "listener");
    stateListeners.add(listener);
    return () -> stateListeners.remove(listener);
  }

  /** Tells the state listeners, in order. */
  void state(ClientState state) {
    serial(
        () -> {
          for (Consumer<ClientState> listener : stateListeners) {
            try {
              listener.accept(state);
            } catch (RuntimeException | Error e) {
              report(e);
            }
          }
        });
  }

  /** Hands events to their handlers, or the catch-all, in order. */
  void events(List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    serial(
        () -> {
          for (Event event : events) {
            Consumer<IncomingEvent> handler = handlers.getOrDefault(event.id(), any);
            if (handler == null) {
              LOG.debug("No handler for {}", event.id());
              continue;
            }
            try {
              handler.accept(IncomingEvent.of(event, packer));
            } catch (RuntimeException | Error e) {
              report(e);
            }
          }
        });
  }

  /** Completes a future on the executor. */
  <T> void complete(CompletableFuture<T> future, T value) {
    plain(() -> future.complete(value));
  }

  /** Fails a future on the executor. */
  void fail(CompletableFuture<?> future, Throwable error) {
    plain(() -> future.completeExceptionally(error));
  }

  /** Drops everything dispatched from now on. */
  void close() {
    closed = true;
  }

  private void serial(Runnable task) {
    if (closed) {
      return;
    }
    try {
      serial.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.warn("The callback executor refused a task; a state change or event was not delivered");
    }
  }

  private void plain(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // a future must end even when the executor has gone
    }
  }

  private void report(Throwable error) {
    try {
      errorHandler.accept(error);
    } catch (RuntimeException e) {
      LOG.error("The error handler failed", e);
    }
  }
}
