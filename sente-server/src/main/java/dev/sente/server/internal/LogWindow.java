package dev.sente.server.internal;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The bounds of a {@link DeliveryLog} and the trimming that keeps its streams within them: age,
 * bytes per user, bytes in total, and, for streams without a resume client, unread events.
 *
 * <ul>
 *   <li><b>Age.</b> An event is gone once {@code now - appendedAt >= maxAgeMillis}. There is no
 *       timer per user: a stream is trimmed by age when it is appended to or read, and the streams
 *       nobody touches through the time marks (below), by any append of another user or by the
 *       log's sweep.
 *   <li><b>Bytes per user.</b> The oldest go first; the newest event always stays, even alone over
 *       the bound.
 *   <li><b>Bytes in total.</b> Over it, an append evicts the oldest events across users, oldest
 *       first at the granularity of a time bucket (an eighth of {@code maxAgeMillis}): whole older
 *       buckets go before newer ones, and within one user's bucket its oldest first. This may empty
 *       other users' streams; it never drops the event being appended. Under concurrent appends the
 *       total may pass the bound by the appends in flight.
 * </ul>
 *
 * <p><b>Time marks.</b> A deque of (stream, bucket) marks, one per user and time bucket in which
 * the user was appended to, in append order: the oldest-first order for the total bound and the
 * list of streams that age needs to visit. At most about nine live marks per user with events (the
 * buckets of one window), plus, until they age out, marks of streams that left.
 *
 * <p>Thread-safe: the byte total is atomic, the deque lock-free; a stream is trimmed only under its
 * own lock (the methods that take a stream expect the caller to hold it, except {@link #maintain}).
 */
final class LogWindow {
  /** Time buckets per window, for the marks. */
  static final int BUCKETS_PER_WINDOW = 8;

  private record Mark(UserStream stream, long bucket) {}

  final long maxAgeMillis;
  final long maxUserBytes;
  final long maxTotalBytes;
  private final int maxUnreadEvents;
  private final long bucketMillis;
  private final Consumer<UserStream> removeIfIdle; // under the stream's lock
  private final ConcurrentLinkedDeque<Mark> marks = new ConcurrentLinkedDeque<>();
  private final AtomicLong totalBytes = new AtomicLong();
  final LongAdder trimmedByAge = new LongAdder();
  final LongAdder trimmedByUserBytes = new LongAdder();
  final LongAdder trimmedByTotalBytes = new LongAdder();
  final LongAdder trimmedByCount = new LongAdder();

  LogWindow(
      long maxAgeMillis,
      long maxUserBytes,
      long maxTotalBytes,
      int maxUnreadEvents,
      Consumer<UserStream> removeIfIdle) {
    if (maxAgeMillis <= 0) {
      throw new IllegalArgumentException("maxAgeMillis must be above 0, got " + maxAgeMillis);
    }
    if (maxUserBytes <= 0) {
      throw new IllegalArgumentException("maxUserBytes must be above 0, got " + maxUserBytes);
    }
    if (maxTotalBytes < maxUserBytes) {
      throw new IllegalArgumentException(
          "maxTotalBytes must be at least maxUserBytes, got " + maxTotalBytes);
    }
    if (maxUnreadEvents < 1) {
      throw new IllegalArgumentException(
          "maxUnreadEvents must be at least 1, got " + maxUnreadEvents);
    }
    this.maxAgeMillis = maxAgeMillis;
    this.maxUserBytes = maxUserBytes;
    this.maxTotalBytes = maxTotalBytes;
    this.maxUnreadEvents = maxUnreadEvents;
    this.bucketMillis = Math.max(1, maxAgeMillis / BUCKETS_PER_WINDOW);
    this.removeIfIdle = removeIfIdle;
  }

  /** The bytes of events kept now, all users. */
  long totalBytes() {
    return totalBytes.get();
  }

  /** The time marks held (for tests: bounded by the users and buckets of one window). */
  int markCount() {
    return marks.size();
  }

  /**
   * Events of these sizes were just added to the stream at {@code now}: counts them, trims the
   * stream to its own bounds and marks its time bucket. Hold the stream's lock.
   */
  void added(UserStream stream, long bytes, long now) {
    totalBytes.addAndGet(bytes);
    int n = 0;
    long dropped = 0;
    while (stream.bytes() > maxUserBytes && stream.count() > 1) {
      dropped += stream.removeOldest();
      n++;
    }
    dropped(stream, dropped, n, trimmedByUserBytes);
    if (!stream.retain) {
      trimUnread(stream);
      trimAcknowledged(stream);
    }
    long bucket = Math.floorDiv(now, bucketMillis);
    if (bucket > stream.markedBucket) {
      stream.markedBucket = bucket;
      marks.offerLast(new Mark(stream, bucket));
    }
  }

  private void dropped(UserStream stream, long bytes, int events, LongAdder counter) {
    if (events > 0) {
      totalBytes.addAndGet(-bytes);
      counter.add(events);
      stream.dropPackedBefore(stream.firstSeq());
    }
  }

  /** The stream dropped all its events at once ({@link UserStream#restart}). */
  void cleared(long bytes) {
    totalBytes.addAndGet(-bytes);
  }

  /** Drops the stream's events past their age. Hold the stream's lock. */
  void trimByAge(UserStream stream, long now) {
    long dropped = 0;
    int n = 0;
    while (stream.count() > 0 && now - stream.oldestTime() >= maxAgeMillis) {
      dropped += stream.removeOldest();
      n++;
    }
    dropped(stream, dropped, n, trimmedByAge);
  }

  /**
   * In a stream that does not retain its events, drops those every open cursor has acknowledged
   * (all of them when no cursor is open). Hold the stream's lock.
   */
  void trimAcknowledged(UserStream stream) {
    if (stream.retain || stream.count() == 0) {
      return;
    }
    long upTo = stream.minAcknowledged();
    long dropped = 0;
    while (stream.count() > 0 && stream.firstSeq() <= upTo) {
      dropped += stream.removeOldest();
    }
    if (dropped > 0) {
      totalBytes.addAndGet(-dropped);
    }
    stream.dropPackedBefore(stream.firstSeq());
  }

  /** In a stream that does not retain its events, at most {@code maxUnreadEvents} wait. */
  private void trimUnread(UserStream stream) {
    long dropped = 0;
    int n = 0;
    while (stream.count() > maxUnreadEvents && stream.count() > 1) {
      dropped += stream.removeOldest();
      n++;
    }
    dropped(stream, dropped, n, trimmedByCount);
  }

  private boolean aged(Mark mark, long now) {
    return now - ((mark.bucket + 1) * bucketMillis - 1) >= maxAgeMillis;
  }

  /**
   * Visits the marks whose bucket is past its age (trimming those streams), then, while the total
   * is over its bound, evicts oldest first. {@code appending} is the stream whose newest event must
   * stay (null for none). Takes each stream's lock in turn; hold none.
   */
  void maintain(long now, UserStream appending) {
    Mark mark;
    while ((mark = marks.peekFirst()) != null && aged(mark, now)) {
      Mark taken = marks.pollFirst();
      if (taken == null) {
        break;
      }
      if (taken != mark && !aged(taken, now)) {
        marks.offerFirst(taken); // another thread took the aged one: this one is not due
        break;
      }
      UserStream stream = taken.stream;
      synchronized (stream) {
        if (!stream.removed) {
          trimByAge(stream, now);
          removeIfIdle.accept(stream);
        }
      }
    }
    Mark held = null; // the appending stream's mark when only its newest event is left in it
    while (totalBytes.get() > maxTotalBytes && (mark = marks.pollFirst()) != null) {
      UserStream stream = mark.stream;
      boolean keepMark = false;
      synchronized (stream) {
        if (stream.removed) {
          continue;
        }
        boolean stoppedForNewest = evictBucket(stream, mark.bucket, appending);
        boolean left =
            stream.count() > 0 && Math.floorDiv(stream.oldestTime(), bucketMillis) <= mark.bucket;
        if (stoppedForNewest) {
          held = mark;
        } else if (left) {
          keepMark = true; // stopped at the bound: the rest of this bucket is still oldest
        } else {
          if (stream.markedBucket == mark.bucket) {
            stream.markedBucket = Long.MIN_VALUE; // a later append in this bucket marks it again
          }
          removeIfIdle.accept(stream);
        }
      }
      if (keepMark) {
        marks.offerFirst(mark);
        break;
      }
    }
    if (held != null) {
      marks.offerFirst(held);
    }
  }

  /**
   * Evicts the stream's events of the bucket (or older), oldest first, while the total is over its
   * bound; true when it stopped at the appending stream's newest event. Hold the stream's lock.
   */
  private boolean evictBucket(UserStream stream, long bucket, UserStream appending) {
    long dropped = 0;
    int n = 0;
    boolean stoppedForNewest = false;
    while (stream.count() > 0
        && Math.floorDiv(stream.oldestTime(), bucketMillis) <= bucket
        && totalBytes.get() - dropped > maxTotalBytes) {
      if (stream == appending && stream.count() == 1) {
        stoppedForNewest = true;
        break;
      }
      dropped += stream.removeOldest();
      n++;
    }
    dropped(stream, dropped, n, trimmedByTotalBytes);
    return stoppedForNewest;
  }
}
