package dev.sente.server.internal;

import dev.sente.core.concurrent.HandlerExecutors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A few platform threads that pack and write batched pushes. A user id always maps to the same
 * lane, so one user's batches leave in the order they were closed, while the batches of many users
 * that close at the same moment (a round of pushes to every user) are written in parallel rather
 * than one after another on the timer thread. Platform threads, not virtual ones: a batch is a few
 * microseconds of work, less than starting a virtual thread for it.
 */
final class PushLanes {
  private static final Logger LOG = LoggerFactory.getLogger(PushLanes.class);

  private final ExecutorService[] lanes;

  PushLanes(int count, String prefix) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive");
    }
    lanes = new ExecutorService[count];
    for (int i = 0; i < count; i++) {
      lanes[i] = Executors.newSingleThreadExecutor(HandlerExecutors.daemonFactory(prefix + i));
    }
  }

  /** Runs the task on the user's lane; dropped once the lanes are closed. */
  void execute(String userId, Runnable task) {
    int h = userId.hashCode();
    ExecutorService lane = lanes[Math.floorMod(h ^ (h >>> 16), lanes.length)];
    try {
      lane.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException | Error e) {
              LOG.error("Failed to deliver a push to user {}", userId, e);
            }
          });
    } catch (RejectedExecutionException closed) {
      LOG.debug("Dropped a push to user {}: server closed", userId);
    }
  }

  void close() {
    for (ExecutorService lane : lanes) {
      lane.shutdownNow();
    }
  }
}
