package dev.sente.core.time;

/** A scheduled task that can be cancelled. Cancelling twice, or after it ran, does nothing. */
@FunctionalInterface
public interface Cancellable {
  /** Cancels the task if it has not run yet. */
  void cancel();
}
