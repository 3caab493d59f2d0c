package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.internal.Logs;
import dev.sente.core.time.Scheduler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbered delivery log: one stream per user of the events pushed to that user, each numbered
 * in its stream (1, 2, ...), kept for a bounded window, and read by the user's clients through
 * their {@link Cursor}s. It is the protocol's resume window (see the "Resume" extension in
 * docs/protocol.md).
 *
 * <h2>What is kept</h2>
 *
 * <ul>
 *   <li><b>Numbering.</b> {@link #append} gives each event the next number of its user's stream,
 *       consecutive and in the order of the appends (one user's appends are ordered by the stream's
 *       lock). A stream has an <b>epoch</b>, 8 random URL-safe characters drawn when it is created;
 *       numbers of different epochs are never compared. A stream that left the log and is created
 *       again starts again at 1 with a new epoch.
 *   <li><b>Age.</b> An event is kept for {@code maxAgeMillis} after its append (default {@value
 *       #DEFAULT_MAX_AGE_MILLIS} ms): it is gone once {@code now - appendedAt >= maxAgeMillis}.
 *       There is no timer per user: a stream is trimmed by age when it is appended to or read, and
 *       the streams nobody touches are trimmed by any append of another user (through the time
 *       marks below) or by {@link #sweep()}. A reader never sees an event past its age.
 *   <li><b>Bytes per user.</b> The kept events of one user weigh at most {@code maxUserBytes}
 *       (default {@value #DEFAULT_MAX_USER_BYTES}), as the sizes given to {@code append} (the
 *       engine gives each event's share of its packed batch); the oldest go first. The newest event
 *       is always kept, even alone over the bound.
 *   <li><b>Bytes in total.</b> All streams together weigh at most {@code maxTotalBytes} (default
 *       {@value #DEFAULT_MAX_TOTAL_BYTES}, 64 MiB per node: 64 users at their full window, or
 *       10,000 users with 6.5 KiB each). Over it, an append evicts the oldest events across users,
 *       oldest first at the granularity of a time bucket (an eighth of {@code maxAgeMillis}, 15 s
 *       by default): whole older buckets go before newer ones, and within one user's bucket its
 *       oldest first. This may empty other users' streams; it never drops the event being appended.
 *       Under concurrent appends the total may pass the bound by the appends in flight.
 *   <li><b>No unbounded map.</b> A stream with no events and no open cursor leaves the log at once
 *       (when its last cursor closes or its last event is trimmed).
 * </ul>
 *
 * <h2>What a reader sees</h2>
 *
 * A read after a cursor ({@link Cursor#next}, {@link #read}) gives the consecutive events after it
 * that are kept, up to a byte budget and at least one, with the number of the last; or, when the
 * cursor of this epoch fell behind the window, the exact number of events trimmed since it (a known
 * gap) and the kept events after them; or, for a cursor of another epoch, a number after the
 * stream's last, or a negative one, an {@link ReadResult.Unknown} result (an unknown gap). A read
 * only ever reads the stream of the user it names; a cursor only its own user's.
 *
 * <h2>Packing once</h2>
 *
 * Each event is stored once per user, whatever the number of its clients. Each stream caches the
 * last batch packed for it ({@link Cursor#packed}): clients of a user at the same cursor, woken by
 * the same append, read the same range and pack it once. One entry per stream is enough for that
 * common case; a client at another cursor packs its own batch and replaces the entry. The cached
 * value is not counted in the byte bounds and is dropped when its events are trimmed.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. Each stream has its own small lock; appends of different users share no lock (only
 * the map of streams, the atomic byte total and a lock-free deque of time marks, touched once per
 * user and bucket). No I/O and no call-out happens under a lock: the wake-ups of armed cursors run
 * on the appending thread after every lock is released.
 *
 * <h2>Time marks</h2>
 *
 * The log keeps a deque of (stream, bucket) marks, one per user and time bucket in which the user
 * was appended to, in append order: the oldest-first order for the total bound and the list of
 * streams that age needs to visit. There are at most about nine live marks per user with events
 * (the buckets of one window), plus, until they age out, marks of streams that left.
 */
public final class DeliveryLog {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

  /** How long an event is kept, by default: 2 minutes. */
  public static final long DEFAULT_MAX_AGE_MILLIS = 120_000;

  /** How many bytes of events are kept per user, by default: 1 MiB. */
  public static final long DEFAULT_MAX_USER_BYTES = 1L << 20;

  /** How many bytes of events are kept across all users, by default: 64 MiB. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 20;

  /** Time buckets per window, for the marks. */
  static final int BUCKETS_PER_WINDOW = 8;

  private static final char[] EPOCH_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  /**
   * Counters since the log was made, and the current size.
   *
   * @param appended events appended
   * @param trimmedByAge events dropped because they were older than the window
   * @param trimmedByUserBytes events dropped to keep a user under {@code maxUserBytes}
   * @param trimmedByTotalBytes events dropped to keep all users under {@code maxTotalBytes}
   * @param trimmedByCount events dropped unread to keep a stream without resume clients under
   *     {@code maxUnreadEvents}
   * @param gapsReported reads and resumes that reported a gap, known or unknown
   * @param packedHits packed batches served from a stream's cache
   * @param packedMisses batches packed (and cached when cacheable)
   * @param streams the streams now in the log
   * @param bytes the bytes of events now kept, all users
   */
  public record Stats(
      long appended,
      long trimmedByAge,
      long trimmedByUserBytes,
      long trimmedByTotalBytes,
      long trimmedByCount,
      long gapsReported,
      long packedHits,
      long packedMisses,
      int streams,
      long bytes) {}

  private record Mark(UserStream stream, long bucket) {}

  private final LongSupplier clock;
  private final long maxAgeMillis;
  private final long maxUserBytes;
  private final long maxTotalBytes;
  private final int maxUnreadEvents;
  private final long bucketMillis;
  private final ConcurrentHashMap<String, UserStream> streams = new ConcurrentHashMap<>();
  private final ConcurrentLinkedDeque<Mark> marks = new ConcurrentLinkedDeque<>();
  private final AtomicLong totalBytes = new AtomicLong();
  private final LongAdder appended = new LongAdder();
  private final LongAdder trimmedByAge = new LongAdder();
  private final LongAdder trimmedByUserBytes = new LongAdder();
  private final LongAdder trimmedByTotalBytes = new LongAdder();
  private final LongAdder trimmedByCount = new LongAdder();
  private final LongAdder gapsReported = new LongAdder();
  private final LongAdder packedHits = new LongAdder();
  private final LongAdder packedMisses = new LongAdder();

  /** A log with the default bounds on the scheduler's clock. */
  public DeliveryLog(Scheduler scheduler) {
    this(
        scheduler::nowMillis,
        DEFAULT_MAX_AGE_MILLIS,
        DEFAULT_MAX_USER_BYTES,
        DEFAULT_MAX_TOTAL_BYTES);
  }

  /**
   * A log.
   *
   * @param clock milliseconds, only differences matter (e.g. {@code scheduler::nowMillis})
   * @param maxAgeMillis how long an event is kept, above 0
   * @param maxUserBytes bytes of events kept per user, above 0 (the newest event is kept anyway)
   * @param maxTotalBytes bytes of events kept across users, at least {@code maxUserBytes}
   */
  public DeliveryLog(LongSupplier clock, long maxAgeMillis, long maxUserBytes, long maxTotalBytes) {
    this(clock, maxAgeMillis, maxUserBytes, maxTotalBytes, Integer.MAX_VALUE);
  }

  /**
   * A log whose streams without a resume client keep at most {@code maxUnreadEvents} events (the
   * oldest go first), besides the other bounds.
   */
  public DeliveryLog(
      LongSupplier clock,
      long maxAgeMillis,
      long maxUserBytes,
      long maxTotalBytes,
      int maxUnreadEvents) {
    if (maxUnreadEvents < 1) {
      throw new IllegalArgumentException(
          "maxUnreadEvents must be at least 1, got " + maxUnreadEvents);
    }
    this.maxUnreadEvents = maxUnreadEvents;
    this.clock = Objects.requireNonNull(clock, "clock");
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
    this.maxAgeMillis = maxAgeMillis;
    this.maxUserBytes = maxUserBytes;
    this.maxTotalBytes = maxTotalBytes;
    this.bucketMillis = Math.max(1, maxAgeMillis / BUCKETS_PER_WINDOW);
  }

  /**
   * Opens a cursor for a client of the user, at the stream's last number (a fresh start; {@link
   * Cursor#resume} moves it to the client's own cursor). Creates the stream when the user has none.
   * The stream is kept while the cursor is open: {@link Cursor#close()} it when the client is
   * forgotten.
   *
   * @param wakeUp called once after an append finds the cursor armed (see {@link Cursor}), on the
   *     appending thread, outside the log's locks; it should only schedule the drain. Null for
   *     none.
   */
  public Cursor open(String user, Runnable wakeUp) {
    return open(user, wakeUp, true);
  }

  /**
   * Opens a cursor, as {@link #open(String, Runnable)}; {@code retain} false for a client that was
   * not granted resume (a plain Sente client): while every cursor of a stream is such, an event
   * stays only until each cursor has acknowledged it, and at most {@code maxUnreadEvents} wait.
   */
  public Cursor open(String user, Runnable wakeUp, boolean retain) {
    Objects.requireNonNull(user, "user");
    while (true) {
      UserStream stream = streams.computeIfAbsent(user, u -> new UserStream(u, newEpoch(), retain));
      synchronized (stream) {
        if (stream.removed) {
          continue;
        }
        trimByAge(stream, now());
        stream.retain |= retain;
        Cursor cursor = new Cursor(this, stream, wakeUp, stream.lastSeq());
        stream.cursors.add(cursor);
        return cursor;
      }
    }
  }

  /** True when the log holds no stream at all (the sweep timer may stop). */
  public boolean isEmpty() {
    return streams.isEmpty();
  }

  /**
   * Whether the user has a stream in the log now: events in the window or an open cursor. A
   * stream's events are numbered whether or not the user has a client, so that one that comes back
   * within the window gets them.
   */
  public boolean hasStream(String user) {
    return streams.containsKey(user);
  }

  /** Appends one event of the given size; see {@link #append(String, List, int[])}. */
  public long append(String user, Event event, int size) {
    return append(user, List.of(event), new int[] {size});
  }

  /**
   * Appends the events to the user's stream, numbered in order after its last, creating the stream
   * when the user has none; trims the stream to its bounds and the log to its total; then wakes the
   * user's armed cursors. Returns the number of the last event appended (the stream's last number;
   * unchanged for an empty list).
   *
   * @param sizes the size of each event, counted against the byte bounds; at least 0
   */
  public long append(String user, List<Event> events, int[] sizes) {
    return append(user, events, sizes, null, null);
  }

  /**
   * Appends, as {@link #append(String, List, int[])}, and caches {@code packed} as the stream's
   * packed batch of {@code kind} for exactly these events (the batch frame the caller packed
   * anyway): a reader woken by this append that reads just them is given it without packing.
   */
  public long append(String user, List<Event> events, int[] sizes, Object kind, Object packed) {
    Objects.requireNonNull(user, "user");
    if (events.size() != sizes.length) {
      throw new IllegalArgumentException(events.size() + " events but " + sizes.length + " sizes");
    }
    for (int size : sizes) {
      if (size < 0) {
        throw new IllegalArgumentException("an event's size must be at least 0, got " + size);
      }
    }
    long now = now();
    UserStream stream;
    long last;
    Cursor[] wake = null;
    int woken = 0;
    while (true) {
      // a stream made by an append (no cursor yet) keeps its events for the window
      stream = streams.computeIfAbsent(user, u -> new UserStream(u, newEpoch(), true));
      synchronized (stream) {
        if (stream.removed) {
          continue;
        }
        if (events.isEmpty()) {
          return stream.lastSeq();
        }
        trimByAge(stream, now);
        long added = 0;
        for (int i = 0; i < sizes.length; i++) {
          stream.add(Objects.requireNonNull(events.get(i), "event"), sizes[i], now);
          added += sizes[i];
        }
        totalBytes.addAndGet(added);
        appended.add(sizes.length);
        long dropped = 0;
        int n = 0;
        while (stream.bytes() > maxUserBytes && stream.count() > 1) {
          dropped += stream.removeOldest();
          n++;
        }
        if (n > 0) {
          totalBytes.addAndGet(-dropped);
          trimmedByUserBytes.add(n);
          stream.dropPackedBefore(stream.firstSeq());
        }
        if (!stream.retain) {
          trimUnread(stream);
          trimAcknowledged(stream);
        }
        if (kind != null && packed != null && stream.count() >= sizes.length) {
          stream.cachePacked(kind, stream.lastSeq() - sizes.length + 1, stream.lastSeq(), packed);
        }
        long bucket = Math.floorDiv(now, bucketMillis);
        if (bucket > stream.markedBucket) {
          stream.markedBucket = bucket;
          marks.offerLast(new Mark(stream, bucket));
        }
        long firstKept = stream.firstSeq();
        for (Cursor cursor : stream.cursors) {
          if (cursor.takeArmed() || cursor.takeLapped(firstKept)) {
            if (wake == null) {
              wake = new Cursor[stream.cursors.size()];
            }
            wake[woken++] = cursor;
          }
        }
        last = stream.lastSeq();
        break;
      }
    }
    maintain(now, stream);
    for (int i = 0; i < woken; i++) {
      try {
        wake[i].wake();
      } catch (RuntimeException e) {
        LOG.error("A cursor's wake-up failed for user {}", Logs.safe(user), e);
      }
    }
    return last;
  }

  /**
   * Reads the user's stream after a cursor the client names, without a {@link Cursor} (an Ajax poll
   * that carries its cursor, say): a {@link ReadResult.Batch} of the events after it (up to {@code
   * maxBytes}, at least one; with the exact count of trimmed events when the cursor is older than
   * the window), {@link ReadResult.UpToDate} when there is nothing after it, or {@link
   * ReadResult.Unknown} for another epoch (or no stream), a number after the stream's last or a
   * negative one. Never creates a stream.
   */
  public ReadResult read(String user, String epoch, long afterSeq, long maxBytes) {
    UserStream stream = streams.get(user);
    if (stream == null) {
      gapsReported.increment();
      return new ReadResult.Unknown(null, 0);
    }
    ReadResult out;
    synchronized (stream) {
      if (stream.removed) {
        out = new ReadResult.Unknown(null, 0);
      } else {
        trimByAge(stream, now());
        long first = stream.firstSeq();
        long last = stream.lastSeq();
        if (!stream.epoch.equals(epoch) || afterSeq < 0 || afterSeq > last) {
          out = new ReadResult.Unknown(stream.epoch, last);
        } else if (afterSeq == last) {
          out = new ReadResult.UpToDate(stream.epoch, last);
        } else if (afterSeq < first - 1) {
          long missed = first - 1 - afterSeq;
          out =
              first > last
                  ? new ReadResult.Batch(stream.epoch, last + 1, last, missed, List.of(), 0)
                  : stream.batchAfter(first - 1, missed, maxBytes);
        } else {
          out = stream.batchAfter(afterSeq, 0, maxBytes);
        }
        removeIfIdle(stream);
      }
    }
    if (out instanceof ReadResult.Unknown || (out instanceof ReadResult.Batch b && b.hasGap())) {
      gapsReported.increment();
    }
    return out;
  }

  /**
   * The packed form of a batch that {@link #read} gave for the user, through the user's stream's
   * one-entry cache; see {@link Cursor#packed}.
   */
  public <T> T packed(
      String user,
      ReadResult.Batch batch,
      Object kind,
      Function<? super ReadResult.Batch, T> pack) {
    UserStream stream = streams.get(user);
    if (stream == null) {
      packedMisses.increment();
      return pack.apply(batch);
    }
    return packed(stream, batch, kind, pack);
  }

  @SuppressWarnings("unchecked")
  <T> T packed(
      UserStream stream,
      ReadResult.Batch batch,
      Object kind,
      Function<? super ReadResult.Batch, T> pack) {
    boolean cacheable =
        !batch.hasGap() && !batch.events().isEmpty() && stream.epoch.equals(batch.epoch());
    if (cacheable) {
      synchronized (stream) {
        Object cached = stream.packed(kind, batch.firstSeq(), batch.lastSeq());
        if (cached != null) {
          packedHits.increment();
          return (T) cached;
        }
      }
    }
    T value = pack.apply(batch);
    packedMisses.increment();
    if (cacheable && value != null) {
      synchronized (stream) {
        if (!stream.removed && batch.firstSeq() >= stream.firstSeq()) {
          stream.cachePacked(kind, batch.firstSeq(), batch.lastSeq(), value);
        }
      }
    }
    return value;
  }

  /**
   * Trims every stream by age and the log to its total, and lets idle streams go; for a periodic
   * timer of the engine (one for the whole log), since appends and reads only visit what they
   * touch. Cheap when nothing is due: it looks at the oldest marks only.
   */
  public void sweep() {
    maintain(now(), null);
  }

  /** The counters and the current size. */
  public Stats stats() {
    return new Stats(
        appended.sum(),
        trimmedByAge.sum(),
        trimmedByUserBytes.sum(),
        trimmedByTotalBytes.sum(),
        trimmedByCount.sum(),
        gapsReported.sum(),
        packedHits.sum(),
        packedMisses.sum(),
        streams.size(),
        totalBytes.get());
  }

  /** The epoch of the user's stream, or null when the user has none. */
  public String epoch(String user) {
    UserStream stream = streams.get(user);
    return stream == null ? null : stream.epoch;
  }

  /** The last number of the user's stream, or 0 when the user has none. */
  public long lastSeq(String user) {
    UserStream stream = streams.get(user);
    if (stream == null) {
      return 0;
    }
    synchronized (stream) {
      return stream.removed ? 0 : stream.lastSeq();
    }
  }

  /**
   * A cursor number as a client sends it (the {@code seq} query parameter): its value when it is a
   * decimal number of at most 18 digits, otherwise -1, which every read and resume treats as an
   * unknown cursor. Never throws.
   */
  public static long parseSeq(String text) {
    if (text == null || text.isEmpty() || text.length() > 18) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** The time marks held (for tests: bounded by the users and buckets of one window). */
  int markCount() {
    return marks.size();
  }

  long now() {
    return clock.getAsLong();
  }

  void gapReported() {
    gapsReported.increment();
  }

  /** Drops the stream's events past their age. Hold the stream's lock. */
  void trimByAge(UserStream stream, long now) {
    long dropped = 0;
    int n = 0;
    while (stream.count() > 0 && now - stream.oldestTime() >= maxAgeMillis) {
      dropped += stream.removeOldest();
      n++;
    }
    if (n > 0) {
      totalBytes.addAndGet(-dropped);
      trimmedByAge.add(n);
      stream.dropPackedBefore(stream.firstSeq());
    }
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
    if (n > 0) {
      totalBytes.addAndGet(-dropped);
      trimmedByCount.add(n);
      stream.dropPackedBefore(stream.firstSeq());
    }
  }

  /** Takes the stream out of the map when it has no events and no cursors. Hold its lock. */
  void removeIfIdle(UserStream stream) {
    if (!stream.removed && stream.idle()) {
      stream.removed = true;
      streams.remove(stream.user, stream);
    }
  }

  /**
   * Visits the marks whose bucket is past its age (trimming those streams), then, while the total
   * is over its bound, evicts oldest first. {@code appending} is the stream whose newest event must
   * stay (null for none).
   */
  private void maintain(long now, UserStream appending) {
    Mark mark;
    while ((mark = marks.peekFirst()) != null
        && now - ((mark.bucket + 1) * bucketMillis - 1) >= maxAgeMillis) {
      Mark taken = marks.pollFirst();
      if (taken == null) {
        break;
      }
      if (taken != mark && now - ((taken.bucket + 1) * bucketMillis - 1) < maxAgeMillis) {
        marks.offerFirst(taken); // another thread took the aged one: this one is not due
        break;
      }
      UserStream stream = taken.stream;
      synchronized (stream) {
        if (!stream.removed) {
          trimByAge(stream, now);
          removeIfIdle(stream);
        }
      }
    }
    if (totalBytes.get() <= maxTotalBytes) {
      return;
    }
    Mark held = null; // the appending stream's mark when only its newest event is left in it
    while (totalBytes.get() > maxTotalBytes && (mark = marks.pollFirst()) != null) {
      UserStream stream = mark.stream;
      boolean keepMark = false;
      synchronized (stream) {
        if (stream.removed) {
          continue;
        }
        long dropped = 0;
        int n = 0;
        boolean stoppedForNewest = false;
        while (stream.count() > 0
            && Math.floorDiv(stream.oldestTime(), bucketMillis) <= mark.bucket
            && totalBytes.get() - dropped > maxTotalBytes) {
          if (stream == appending && stream.count() == 1) {
            stoppedForNewest = true;
            break;
          }
          dropped += stream.removeOldest();
          n++;
        }
        if (n > 0) {
          totalBytes.addAndGet(-dropped);
          trimmedByTotalBytes.add(n);
          stream.dropPackedBefore(stream.firstSeq());
        }
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
          removeIfIdle(stream);
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

  private static String newEpoch() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long bits = random.nextLong();
    char[] out = new char[8];
    for (int i = 0; i < out.length; i++) {
      out[i] = EPOCH_CHARS[(int) (bits & 63)];
      bits >>>= 6;
    }
    return new String(out);
  }
}
