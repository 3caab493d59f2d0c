package dev.sente.testkit.faults;

import dev.sente.client.SenteClient;
import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;

/**
 * Sends events numbered 1..N at a steady rate, on its own daemon thread: event n goes out at {@code
 * start + (n-1)/rate}, whatever happens to the connection meanwhile (a send that finds no
 * connection counts as refused and is not retried: the application moves on). The receiving side
 * counts with a {@link DeliveryCounter}.
 *
 * <pre>{@code
 * try (SteadySender pushes = SteadySender.pushing(sente, "alice", "test/seq", 1_000, 200)) {
 *   pushes.awaitDone(Duration.ofSeconds(30));
 *   System.out.println(pushes.refused() + " pushes found no connection");
 * }
 * }</pre>
 */
public final class SteadySender implements AutoCloseable {

  private final long count;
  private final long periodNanos;
  private final LongPredicate send;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean stopped;

  private SteadySender(String name, long count, int perSecond, LongPredicate send) {
    this.count = count;
    this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.send = send;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /**
   * Starts calling {@code send} with 1..count, {@code perSecond} times a second; {@code send}
   * returns false when the event was refused (no connection).
   */
  public static SteadySender start(String name, long count, int perSecond, LongPredicate send) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(send, "send");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    if (perSecond < 1 || perSecond > 1_000_000) {
      throw new IllegalArgumentException("perSecond must be 1 to 1000000: " + perSecond);
    }
    SteadySender sender = new SteadySender(name, count, perSecond, send);
    sender.thread.start();
    return sender;
  }

  /** Pushes {@link DeliveryCounter#numbered} events from the server to every client of a user. */
  public static SteadySender pushing(
      SenteServer sente, String userId, String eventId, long count, int perSecond) {
    Objects.requireNonNull(sente, "sente");
    return start(
        "steady-push",
        count,
        perSecond,
        seq -> sente.send(userId, eventId, DeliveryCounter.numbered(seq)));
  }

  /** Sends {@link DeliveryCounter#numbered} events from a client to the server. */
  public static SteadySender sending(
      SenteClient client, String eventId, long count, int perSecond) {
    Objects.requireNonNull(client, "client");
    return start(
        "steady-send",
        count,
        perSecond,
        seq -> client.send(eventId, DeliveryCounter.numbered(seq)));
  }

  /** How many events were handed to {@code send} so far, refused ones included. */
  public long sent() {
    return sent.get();
  }

  /** How many sends returned false (or threw). */
  public long refused() {
    return refused.get();
  }

  /** How many events the whole stream has. */
  public long count() {
    return count;
  }

  /** True once every event was handed to {@code send}, or the sender was closed. */
  public boolean isDone() {
    return done.getCount() == 0;
  }

  /** Waits until every event was handed to {@code send}; false when the timeout came first. */
  public boolean awaitDone(Duration timeout) {
    try {
      return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops sending and waits for the thread to end. */
  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      long start = System.nanoTime();
      for (long seq = 1; seq <= count && !stopped; seq++) {
        long due = start + (seq - 1) * periodNanos;
        for (long left = due - System.nanoTime(); left > 0 && !stopped; ) {
          LockSupport.parkNanos(left); // pacing, not synchronisation
          left = due - System.nanoTime();
        }
        if (stopped) {
          break;
        }
        boolean accepted;
        try {
          accepted = send.test(seq);
        } catch (RuntimeException e) {
          accepted = false;
        }
        sent.incrementAndGet();
        if (!accepted) {
          refused.incrementAndGet();
        }
      }
    } finally {
      done.countDown();
    }
  }
}
