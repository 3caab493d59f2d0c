package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.internal.Logs;
import dev.sente.core.time.Scheduler;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
 *   <li><b>The window.</b> Events are kept for {@code maxAgeMillis} after their append (default
 *       {@value #DEFAULT_MAX_AGE_MILLIS} ms), at most {@code maxUserBytes} per user (default
 *       {@value #DEFAULT_MAX_USER_BYTES}, as the sizes given to {@code append}: the engine gives
 *       each event's share of its packed batch) and {@code maxTotalBytes} across users (default
 *       {@value #DEFAULT_MAX_TOTAL_BYTES}, 64 MiB per node: 64 users at their full window, or
 *       10,000 users with 6.5 KiB each); the oldest go first, the event being appended never.
 *       {@link LogWindow} does the trimming, and says exactly what goes when. A reader never sees
 *       an event past its age.
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
 */
public final class DeliveryLog {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

  /** How long an event is kept, by default: 2 minutes. */
  public static final long DEFAULT_MAX_AGE_MILLIS = 120_000;

  /** How many bytes of events are kept per user, by default: 1 MiB. */
  public static final long DEFAULT_MAX_USER_BYTES = 1L << 20;

  /** How many bytes of events are kept across all users, by default: 64 MiB. */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 64L << 20;

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

  private final LongSupplier clock;
  final ConcurrentHashMap<String, UserStream> streams = new ConcurrentHashMap<>();

  /** The bounds, and the trimming that keeps the streams within them. */
  final LogWindow window;

  private final LongAdder appended = new LongAdder();
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
    this.clock = Objects.requireNonNull(clock, "clock");
    this.window =
        new LogWindow(
            maxAgeMillis, maxUserBytes, maxTotalBytes, maxUnreadEvents, this::removeIfIdle);
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
        window.trimByAge(stream, now());
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
    checkSizes(events, sizes);
    long now = now();
    UserStream stream;
    long last;
    Cursor[] wake;
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
        window.trimByAge(stream, now);
        wake = addLocked(stream, events, sizes, 0, now);
        if (kind != null && packed != null && stream.count() >= sizes.length) {
          stream.cachePacked(kind, stream.lastSeq() - sizes.length + 1, stream.lastSeq(), packed);
        }
        last = stream.lastSeq();
        break;
      }
    }
    finish(now, stream, wake);
    return last;
  }

  /**
   * The cursors of two wake-up lists (each null for none, or filled from the start and ended by a
   * null or its length, as {@link #addLocked} makes them) as one such list.
   */
  static Cursor[] concat(Cursor[] a, Cursor[] b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    Cursor[] out = new Cursor[a.length + b.length];
    int n = 0;
    for (Cursor[] part : List.of(a, b)) {
      for (Cursor cursor : part) {
        if (cursor == null) {
          break;
        }
        out[n++] = cursor;
      }
    }
    return out;
  }

  static void checkSizes(List<Event> events, int[] sizes) {
    if (events.size() != sizes.length) {
      throw new IllegalArgumentException(events.size() + " events but " + sizes.length + " sizes");
    }
    for (int size : sizes) {
      if (size < 0) {
        throw new IllegalArgumentException("an event's size must be at least 0, got " + size);
      }
    }
  }

  /**
   * Adds {@code events[from..]} after the stream's last, counts and bounds them, and takes the
   * cursors to wake (null for none). Hold the stream's lock.
   */
  Cursor[] addLocked(UserStream stream, List<Event> events, int[] sizes, int from, long now) {
    long added = 0;
    for (int i = from; i < sizes.length; i++) {
      stream.add(Objects.requireNonNull(events.get(i), "event"), sizes[i], now);
      added += sizes[i];
    }
    appended.add(sizes.length - from);
    window.added(stream, added, now);
    long firstKept = stream.firstSeq();
    Cursor[] wake = null;
    int woken = 0;
    for (Cursor cursor : stream.cursors) {
      if (cursor.takeArmed() || cursor.takeLapped(firstKept)) {
        if (wake == null) {
          wake = new Cursor[stream.cursors.size()];
        }
        wake[woken++] = cursor;
      }
    }
    return wake;
  }

  /** After an append, outside the locks: bounds the log's total, wakes the cursors taken. */
  void finish(long now, UserStream stream, Cursor[] wake) {
    window.maintain(now, stream);
    if (wake == null) {
      return;
    }
    for (Cursor cursor : wake) {
      if (cursor == null) {
        break;
      }
      try {
        cursor.wake();
      } catch (RuntimeException e) {
        LOG.error("A cursor's wake-up failed for user {}", Logs.safe(stream.user), e);
      }
    }
  }

  /**
   * The number of the oldest event kept for the user ({@code lastSeq + 1} when none is), or 0 when
   * the user has no stream.
   */
  public long firstSeq(String user) {
    UserStream stream = streams.get(user);
    if (stream == null) {
      return 0;
    }
    synchronized (stream) {
      return stream.removed ? 0 : stream.firstSeq();
    }
  }

  /**
   * The users with a stream on this node now (in a cluster: those whose streams must catch up after
   * the bus was down).
   */
  public List<String> users() {
    return List.copyOf(streams.keySet());
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
        window.trimByAge(stream, now());
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
    window.maintain(now(), null);
  }

  /** The counters and the current size. */
  public Stats stats() {
    return new Stats(
        appended.sum(),
        window.trimmedByAge.sum(),
        window.trimmedByUserBytes.sum(),
        window.trimmedByTotalBytes.sum(),
        window.trimmedByCount.sum(),
        gapsReported.sum(),
        packedHits.sum(),
        packedMisses.sum(),
        streams.size(),
        window.totalBytes());
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

  long now() {
    return clock.getAsLong();
  }

  void gapReported() {
    gapsReported.increment();
  }

  /** Takes the stream out of the map when it has no events and no cursors. Hold its lock. */
  void removeIfIdle(UserStream stream) {
    if (!stream.removed && stream.idle()) {
      stream.removed = true;
      streams.remove(stream.user, stream);
    }
  }

  /** A new stream epoch: 8 random URL-safe characters. */
  public static String newEpoch() {
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
