package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Appending threads and draining threads on the same streams: every reader sees consecutive
 * numbers, no event twice, and every event it did not get is counted in a gap.
 */
class DeliveryLogConcurrencyTest {
  private static final int APPENDERS = 4;
  private static final int READERS = 3;
  private static final int PER_APPENDER = 3000;
  private static final String[] USERS = {"u0", "u1"};

  private final ManualScheduler time = new ManualScheduler();

  @Test
  void withRoomForEverythingEveryReaderGetsEveryEventOnceInOrder() {
    DeliveryLog log = new DeliveryLog(time::nowMillis, 120_000, 1L << 30, 1L << 30);
    Outcome outcome = run(log, 64);
    for (Reader reader : outcome.readers) {
      assertThat(reader.missed).isZero();
      assertThat(reader.seen).hasSize(APPENDERS * PER_APPENDER / USERS.length);
    }
    assertThat(log.stats().gapsReported()).isZero();
  }

  @Test
  void underTightBoundsEveryMissedEventIsCountedInAGap() {
    // small bounds: appenders outrun readers, trimming by user bytes and by the total
    DeliveryLog log = new DeliveryLog(time::nowMillis, 120_000, 400, 600);
    Outcome outcome = run(log, 30);
    long total = APPENDERS * PER_APPENDER / USERS.length;
    for (Reader reader : outcome.readers) {
      assertThat(reader.seen.size() + reader.missed).isEqualTo(total);
    }
    DeliveryLog.Stats stats = log.stats();
    assertThat(stats.appended()).isEqualTo(APPENDERS * PER_APPENDER);
    assertThat(stats.trimmedByUserBytes() + stats.trimmedByTotalBytes()).isPositive();
    // the byte count is exact once quiet: what the streams hold
    long held = 0;
    for (String user : USERS) {
      ReadResult r = log.read(user, log.epoch(user), 0, Long.MAX_VALUE);
      if (r instanceof ReadResult.Batch b) {
        held += b.bytes();
      }
    }
    assertThat(stats.bytes()).isEqualTo(held).isLessThanOrEqualTo(600);
  }

  private record Outcome(List<Reader> readers) {}

  /** A drain: takes batches, waits for its wake-up when up to date. */
  private static final class Reader {
    final String user;
    final Semaphore woken = new Semaphore(0);
    final Set<Object> seen = new HashSet<>();
    long missed;
    long last;
    Cursor cursor;
    final List<String> errors = new ArrayList<>();

    Reader(String user) {
      this.user = user;
    }

    void check(ReadResult.Batch b) {
      if (b.firstSeq() != last + 1 + b.missed()) {
        errors.add("after " + last + " got " + b.firstSeq() + " with missed " + b.missed());
      }
      if (b.lastSeq() != b.firstSeq() + b.events().size() - 1) {
        errors.add("batch " + b.firstSeq() + ".." + b.lastSeq() + " of " + b.events().size());
      }
      missed += b.missed();
      last = b.lastSeq();
      for (Event e : b.events()) {
        if (!seen.add(e.data())) {
          errors.add("twice: " + e.data());
        }
        if (!((String) e.data()).startsWith(user + ":")) {
          errors.add("another user's event: " + e.data());
        }
      }
    }
  }

  private Outcome run(DeliveryLog log, int eventSize) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          List<Reader> readers = new ArrayList<>();
          for (int i = 0; i < READERS * USERS.length; i++) {
            Reader reader = new Reader(USERS[i % USERS.length]);
            reader.cursor = log.open(reader.user, reader.woken::release);
            readers.add(reader);
          }
          CountDownLatch start = new CountDownLatch(1);
          ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
          List<Thread> threads = new ArrayList<>();
          for (int a = 0; a < APPENDERS; a++) {
            int id = a;
            threads.add(
                new Thread(
                    () -> {
                      try {
                        start.await();
                        String user = USERS[id % USERS.length];
                        for (int n = 0; n < PER_APPENDER; n += 2) {
                          log.append(
                              user,
                              List.of(
                                  Event.of("t/e", user + ":" + id + ":" + n),
                                  Event.of("t/e", user + ":" + id + ":" + (n + 1))),
                              new int[] {eventSize, eventSize});
                        }
                      } catch (Throwable e) {
                        failures.add(e);
                      }
                    }));
          }
          long perUser = APPENDERS * PER_APPENDER / USERS.length;
          for (Reader reader : readers) {
            threads.add(
                new Thread(
                    () -> {
                      try {
                        start.await();
                        while (reader.last < perUser) {
                          ReadResult r = reader.cursor.next(4 * eventSize);
                          if (r instanceof ReadResult.Batch b) {
                            reader.check(b);
                          } else if (!reader.woken.tryAcquire(20, TimeUnit.SECONDS)) {
                            failures.add(new AssertionError("never woken at " + reader.last));
                            return;
                          }
                        }
                      } catch (Throwable e) {
                        failures.add(e);
                      }
                    }));
          }
          threads.forEach(Thread::start);
          start.countDown();
          for (Thread t : threads) {
            t.join();
          }
          assertThat(failures).isEmpty();
          for (Reader reader : readers) {
            assertThat(reader.errors).isEmpty();
            assertThat(reader.last).isEqualTo(perUser);
          }
          return new Outcome(readers);
        });
  }
}
