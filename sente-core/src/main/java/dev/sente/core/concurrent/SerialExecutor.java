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
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private boolean running;

  /** Runs tasks on the delegate; a task's exception goes to {@code onError}. */
  public SerialExecutor(Executor delegate, BiConsumer<Runnable, Throwable> onError) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.onError = Objects.requireNonNull(onError, "onError");
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    synchronized (queue) {
      queue.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    try {
      delegate.execute(this::drain);
    } catch (RuntimeException e) {
      synchronized (queue) {
        running = false;
        queue.clear();
      }
      throw e;
    }
  }

  /** The number of tasks waiting, not counting a running one. */
  public int queued() {
    synchronized (queue) {
      return queue.size();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (Throwable t) {
        onError.accept(next, t);
      }
    }
  }
}
