package dev.sente.core.concurrent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Runs tasks one at a time, in submission order, on a shared executor: the next task starts only
 * after the previous one has finished. Used to keep one connection's handlers in order while many
 * connections share one pool of (virtual) threads. A task that throws is reported to the error sink
 * and does not stop later tasks.
 *
 * <p>An optional capacity bounds the tasks waiting behind a running one: {@link #offer} refuses a
 * task when the queue is full, and {@link #submit} queues it and tells the caller to stop producing
 * until the queue has drained to half the capacity. {@link #execute} always queues (for the few
 * tasks that must not be refused); the capacity only counts them.
 */
public final class SerialExecutor implements Executor {

  private final Executor delegate;
  private final BiConsumer<Runnable, Throwable> onError;
  private final int capacity;
  private final int resumeAt;
  private final Object lock = new Object();
  private ArrayDeque<Runnable> queue; // created when a task has to wait behind a running one
  private List<Runnable> whenRoom; // run once the queue has drained to resumeAt
  private boolean running;

  /** Runs tasks on the delegate without a bound; a task's exception goes to {@code onError}. */
  public SerialExecutor(Executor delegate, BiConsumer<Runnable, Throwable> onError) {
    this(delegate, onError, Integer.MAX_VALUE);
  }

  /**
   * Runs tasks on the delegate; at most {@code capacity} tasks wait behind the running one (see
   * {@link #offer} and {@link #submit}); a task's exception goes to {@code onError}.
   */
  public SerialExecutor(Executor delegate, BiConsumer<Runnable, Throwable> onError, int capacity) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.onError = Objects.requireNonNull(onError, "onError");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.resumeAt = capacity / 2;
  }

  /** Queues the task, also beyond the capacity. */
  @Override
  public void execute(Runnable task) {
    enqueue(Objects.requireNonNull(task, "task"), false, null);
  }

  /**
   * Queues the task unless {@link #capacity()} tasks already wait; false (and the task is not run)
   * when the queue is full.
   */
  public boolean offer(Runnable task) {
    return enqueue(Objects.requireNonNull(task, "task"), true, null);
  }

  /**
   * Queues the task, also beyond the capacity (the caller is expected to have stopped producing),
   * and returns true while the queue has room for more. When the queue is full with this task,
   * returns false and runs {@code whenRoom} once, later, on the thread that takes tasks off the
   * queue, as soon as at most half the capacity waits. A producer that stops at false and resumes
   * in {@code whenRoom} never has more than the capacity waiting.
   */
  public boolean submit(Runnable task, Runnable whenRoom) {
    Objects.requireNonNull(whenRoom, "whenRoom");
    return enqueue(Objects.requireNonNull(task, "task"), false, whenRoom);
  }

  private boolean enqueue(Runnable task, boolean refuseWhenFull, Runnable whenRoomIfFull) {
    synchronized (lock) {
      if (running) {
        int waiting = queue == null ? 0 : queue.size();
        if (refuseWhenFull && waiting >= capacity) {
          return false;
        }
        if (queue == null) {
          queue = new ArrayDeque<>(4);
        }
        queue.add(task);
        if (whenRoomIfFull != null && waiting + 1 >= capacity) {
          if (whenRoom == null) {
            whenRoom = new ArrayList<>(1);
          }
          whenRoom.add(whenRoomIfFull);
          return false;
        }
        return true;
      }
      running = true;
    }
    try {
      delegate.execute(() -> drain(task));
    } catch (RuntimeException e) {
      synchronized (lock) {
        running = false;
        queue = null;
        whenRoom = null;
      }
      throw e;
    }
    return true;
  }

  /** The number of tasks waiting, not counting a running one. */
  public int queued() {
    synchronized (lock) {
      return queue == null ? 0 : queue.size();
    }
  }

  /** The most tasks that {@link #offer} lets wait; {@link Integer#MAX_VALUE} without a bound. */
  public int capacity() {
    return capacity;
  }

  private void drain(Runnable first) {
    Runnable next = first;
    while (true) {
      try {
        next.run();
      } catch (Throwable t) {
        onError.accept(next, t);
      }
      List<Runnable> room = null;
      synchronized (lock) {
        next = queue == null ? null : queue.poll();
        if (whenRoom != null && (queue == null || queue.size() <= resumeAt)) {
          room = whenRoom;
          whenRoom = null;
        }
        if (next == null) {
          running = false;
        }
      }
      if (room != null) {
        for (Runnable action : room) {
          try {
            action.run();
          } catch (Throwable t) {
            onError.accept(action, t);
          }
        }
      }
      if (next == null) {
        return;
      }
    }
  }
}
