package dev.sente.core.time;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler whose time moves only when a test calls {@link #advance(long)}: timers are tested
 * without sleeping. Tasks run on the thread that advances time, in time order. Thread-safe.
 *
 * <pre>{@code
 * ManualScheduler time = new ManualScheduler();
 * time.schedule(30, () -> flushed.set(true));
 * time.advance(29); // not yet
 * time.advance(1);  // runs now
 * }</pre>
 */
public final class ManualScheduler implements Scheduler {

  private record Task(long due, long seq, Runnable action) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long now;
  private long seq;
  private boolean closed;

  @Override
  public synchronized long nowMillis() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(long delayMillis, Runnable action) {
    if (closed) {
      return () -> {};
    }
    Task task = new Task(now + Math.max(0, delayMillis), seq++, action);
    tasks.add(task);
    return () -> {
      synchronized (this) {
        tasks.remove(task);
      }
    };
  }

  /** Moves time forward, running every task that falls due, in order, on this thread. */
  public void advance(long millis) {
    long target;
    synchronized (this) {
      target = now + millis;
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
      }
      next.action.run();
    }
  }

  /** The number of tasks waiting. */
  public synchronized int pending() {
    return tasks.size();
  }

  /** The due times of waiting tasks, relative to now, in order. */
  public synchronized List<Long> pendingDelays() {
    List<Long> out = new ArrayList<>();
    tasks.stream().sorted(tasks.comparator()).forEach(t -> out.add(t.due - now));
    return out;
  }

  @Override
  public synchronized void close() {
    closed = true;
    tasks.clear();
  }
}
