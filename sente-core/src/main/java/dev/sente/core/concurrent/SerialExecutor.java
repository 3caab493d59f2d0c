package dev.sente.core.concurrent;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the next task starts only
 * after the previous one has finished. Used to keep one connection's handlers in order while many
 * connections share one pool of (virtual) threads. A task that throws is reported to the error sink
 * and does not stop later tasks.
 */
public final class SerialExecutor implements Executor {

  private final Executor delegate;
  private final BiConsumer<Runnable, Throwable> onError;
  private final Object lock = new Object();
  private ArrayDeque<Runnable> queue; // created when a task has to wait behind a running one
  private boolean running;

  /** Runs tasks on the delegate; a task's exception goes to {@code onError}. */
  public SerialExecutor(Executor delegate, BiConsumer<Runnable, Throwable> onError) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.onError = Objects.requireNonNull(onError, "onError");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (lock) {
      if (running) {
        if (queue == null) {
          queue = new ArrayDeque<>(4);
        }
        queue.add(task);
        return;
      }
      running = true;
    }
    try {
      delegate.execute(() -> drain(task));
    } catch (RuntimeException e) {
      synchronized (lock) {
        running = false;
        queue = null;
      }
      throw e;
    }
  }

  /** The number of tasks waiting, not counting a running one. */
  public int queued() {
    synchronized (lock) {
      return queue == null ? 0 : queue.size();
    }
  }

  private void drain(Runnable first) {
    Runnable next = first;
    while (true) {
      try {
        next.run();
      } catch (Throwable t) {
        onError.accept(next, t);
      }
      synchronized (lock) {
        next = queue == null ? null : queue.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
    }
  }
}
