package dev.sente.bench.server;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The push loop every server under test runs (the Node server has the same one): rounds of one
 * message to each user, a round due every interval, for the duration. A server that falls behind
 * runs its rounds back to back and simply offers fewer messages; it never skips users.
 *
 * <pre>{@code
 * String[] ids = Pacer.userIds(0, 1000);
 * Pushed p = Pacer.run(1000, 5_000, 4_000, i -> sente.send(ids[i], "bench/push", System.nanoTime()));
 * }</pre>
 */
public final class Pacer {
  private Pacer() {}

  /** Runs the loop on the calling thread; send gets the user's index. */
  public static Pushed run(int users, long intervalMicros, long durationMillis, IntConsumer send) {
    long start = System.nanoTime();
    long end = start + durationMillis * 1_000_000L;
    long interval = Math.max(1, intervalMicros) * 1000L;
    long rounds = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      long due = (now - start) / interval + 1;
      if (rounds < due) {
        for (int i = 0; i < users; i++) {
          send.accept(i);
        }
        rounds++;
      } else {
        LockSupport.parkNanos(Math.min(start + rounds * interval - now, 1_000_000L));
      }
    }
    return new Pushed(rounds * users, start, System.nanoTime());
  }

  /** The user ids u(first) .. u(first + n - 1) the load generator's clients connect as. */
  public static String[] userIds(int first, int users) {
    String[] ids = new String[users];
    for (int i = 0; i < users; i++) {
      ids[i] = "u" + (first + i);
    }
    return ids;
  }
}
