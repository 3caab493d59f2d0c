package dev.sente.core.time;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The clock and timers that the engine and the clients use. It is injected, so that tests move time
 * by hand ({@link ManualScheduler}) instead of sleeping.
 *
 * <p>Tasks must be short and must not block: they run on the scheduler's own thread.
 */
public interface Scheduler extends AutoCloseable {

  /** Milliseconds since an arbitrary origin; only differences are meaningful. */
  long nowMillis();

  /** Runs the task once after the delay. */
  Cancellable schedule(long delayMillis, Runnable task);

  /** Stops the scheduler; pending tasks are dropped. */
  @Override
  void close();

  /** A scheduler on one daemon thread with the system's monotonic clock. */
  static Scheduler system(String threadName) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return new Scheduler() {
      @Override
      public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
      }

      @Override
      public Cancellable schedule(long delayMillis, Runnable task) {
        if (executor.isShutdown()) {
          return () -> {};
        }
        var future = executor.schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }
}
