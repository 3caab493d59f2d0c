package dev.sente.server.internal;

import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;

/**
 * A deadline that is cheap to move and to clear: it keeps at most one timer pending, and moving or
 * clearing it does not touch the scheduler. When the timer fires before the deadline (it moved
 * later meanwhile), it is re-armed for the rest. An Ajax client sets and clears its grace and poll
 * deadlines on every poll; without this, each poll would cancel and schedule two timers. Guarded by
 * the registry's lock, like the {@link ClientEntry} that owns it.
 */
final class Deadline {
  private long due; // 0: not set
  private long timerDue; // when the pending timer fires; meaningful while timer != null
  private Cancellable timer;
  private Runnable onTimer; // the task given to set, which the timer runs

  /**
   * Sets the deadline {@code delayMillis} from now; {@code onTimer} runs on the scheduler when a
   * timer fires and must call {@link #fired}.
   */
  void set(Scheduler scheduler, long delayMillis, Runnable onTimer) {
    this.onTimer = onTimer;
    long now = scheduler.nowMillis();
    due = now + delayMillis;
    if (timer != null && timerDue <= due) {
      return; // the pending timer fires first and re-arms for the rest
    }
    if (timer != null) {
      timer.cancel();
    }
    timerDue = due;
    timer = scheduler.schedule(delayMillis, onTimer);
  }

  /** Clears the deadline; a pending timer stays and finds nothing to do. */
  void clear() {
    due = 0;
  }

  /** Clears the deadline and cancels its timer (the owner goes away). */
  void cancel() {
    due = 0;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  boolean isSet() {
    return due != 0;
  }

  /**
   * Called by the timer task: true when the deadline has passed, and then it is cleared. When the
   * deadline moved later, re-arms the timer for the rest and returns false.
   */
  boolean fired(Scheduler scheduler) {
    timer = null;
    if (due == 0) {
      return false;
    }
    long now = scheduler.nowMillis();
    if (now >= due) {
      due = 0;
      return true;
    }
    timerDue = due;
    timer = scheduler.schedule(due - now, onTimer);
    return false;
  }
}
