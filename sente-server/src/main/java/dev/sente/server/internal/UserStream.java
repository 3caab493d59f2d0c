package dev.sente.server.internal;

import dev.sente.core.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One user's numbered stream in a {@link DeliveryLog}: the kept events in a ring, oldest first,
 * each with its size and the time it was appended; the numbers of the first and last kept events;
 * the clients' {@link Cursor}s; the last packed batch.
 *
 * <p>Every field is guarded by this object's monitor (one small lock per user); every method
 * expects the caller to hold it. Nothing under it does I/O or calls out.
 *
 * <p>Invariants: {@code firstSeq == lastSeq - count + 1}; the events numbered below {@code
 * firstSeq} were all trimmed, so a cursor {@code c} of this epoch with {@code c < firstSeq - 1}
 * missed exactly {@code firstSeq - 1 - c} events.
 */
final class UserStream {
  private static final int MIN_CAPACITY = 4;

  final String user;

  /**
   * The stream's epoch; changed only by {@link #restart}, in a cluster, to the shared log's
   * (written under the lock, read without it too).
   */
  volatile String epoch;

  private Event[] events = new Event[MIN_CAPACITY];
  private int[] sizes = new int[MIN_CAPACITY];
  private long[] times = new long[MIN_CAPACITY];
  private int head; // index of the oldest kept event
  private int count; // kept events
  private long lastSeq; // number of the newest event ever appended; 0 before the first
  private long bytes; // sum of the kept events' sizes

  /**
   * In a cluster: the stream is numbered in an epoch of this node's own while the shared log is
   * away ({@link SharedCopy#appendLocal}).
   */
  boolean localEpoch;

  /** Set once the stream left the log's map: an appender holding it must look it up again. */
  boolean removed;

  /** The latest time bucket for which the log has a mark of this stream. */
  long markedBucket = Long.MIN_VALUE;

  /** The open cursors of the user's clients. */
  final List<Cursor> cursors = new ArrayList<>(2);

  /**
   * Whether events are kept for the window after every cursor has them: set once a cursor of a
   * client granted resume opens on the stream. A stream without it (only plain Sente clients) keeps
   * an event only until each open cursor has acknowledged it.
   */
  boolean retain;

  // the last packed batch of each of two kinds (plain and resume frames): kind, range, value
  private final Object[] packedKind = new Object[2];
  private final long[] packedFirst = new long[2];
  private final long[] packedLast = new long[2];
  private final Object[] packedValue = new Object[2];
  private int packedNext; // the slot a third kind replaces

  UserStream(String user, String epoch, boolean retain) {
    this(user, epoch, retain, 0);
  }

  /** A stream whose first event will be numbered {@code lastSeq + 1}. */
  UserStream(String user, String epoch, boolean retain, long lastSeq) {
    this.user = user;
    this.epoch = epoch;
    this.retain = retain;
    this.lastSeq = lastSeq;
  }

  long lastSeq() {
    return lastSeq;
  }

  long firstSeq() {
    return lastSeq - count + 1;
  }

  int count() {
    return count;
  }

  long bytes() {
    return bytes;
  }

  /** The append time of the oldest kept event; only when {@code count() > 0}. */
  long oldestTime() {
    return times[head];
  }

  boolean idle() {
    return count == 0 && cursors.isEmpty();
  }

  /** Appends one event; returns its number. */
  long add(Event event, int size, long now) {
    if (count == events.length) {
      resize(events.length * 2);
    }
    int at = (head + count) % events.length;
    events[at] = event;
    sizes[at] = size;
    times[at] = now;
    count++;
    bytes += size;
    return ++lastSeq;
  }

  /**
   * Puts one event before the oldest kept one, numbered {@code firstSeq() - 1} (which must be at
   * least 1): an older event that the shared log of a cluster still keeps.
   */
  void addOldest(Event event, int size, long time) {
    if (count == events.length) {
      resize(events.length * 2);
    }
    head = (head - 1 + events.length) % events.length;
    events[head] = event;
    sizes[head] = size;
    times[head] = time;
    count++;
    bytes += size;
  }

  /**
   * Drops every kept event and starts the numbering again after {@code lastSeq}, in {@code epoch}:
   * the shared log of a cluster went on without this node (or started again). Returns the bytes
   * dropped.
   */
  long restart(String epoch, long lastSeq) {
    long dropped = bytes;
    while (count > 0) {
      removeOldest();
    }
    this.epoch = epoch;
    this.lastSeq = lastSeq;
    dropPackedBefore(Long.MAX_VALUE);
    return dropped;
  }

  /** Drops the oldest kept event; returns its size. */
  int removeOldest() {
    int size = sizes[head];
    events[head] = null;
    head = (head + 1) % events.length;
    count--;
    bytes -= size;
    if (events.length > 4 * MIN_CAPACITY && count <= events.length / 4) {
      resize(events.length / 2);
    }
    return size;
  }

  private void resize(int capacity) {
    Event[] e = new Event[capacity];
    int[] s = new int[capacity];
    long[] t = new long[capacity];
    for (int i = 0; i < count; i++) {
      int from = (head + i) % events.length;
      e[i] = events[from];
      s[i] = sizes[from];
      t[i] = times[from];
    }
    events = e;
    sizes = s;
    times = t;
    head = 0;
  }

  /**
   * The kept events after {@code after} (which must lie in {@code [firstSeq - 1, lastSeq)}), up to
   * {@code maxBytes} and at least one.
   */
  ReadResult.Batch batchAfter(long after, long missed, long maxBytes) {
    int from = (int) (after + 1 - firstSeq());
    int n = 0;
    long taken = 0;
    int capacity = events.length;
    while (from + n < count) {
      int size = sizes[(head + from + n) % capacity];
      if (n > 0 && taken + size > maxBytes) {
        break;
      }
      taken += size;
      n++;
    }
    Event[] out = new Event[n];
    for (int i = 0; i < n; i++) {
      out[i] = events[(head + from + i) % capacity];
    }
    return new ReadResult.Batch(
        epoch,
        after + 1,
        after + n,
        missed,
        Collections.unmodifiableList(Arrays.asList(out)),
        taken);
  }

  /** The cached packed value of this exact batch of {@code kind}, or null. */
  Object packed(Object kind, long first, long last) {
    for (int i = 0; i < 2; i++) {
      if (kind.equals(packedKind[i]) && packedFirst[i] == first && packedLast[i] == last) {
        return packedValue[i];
      }
    }
    return null;
  }

  void cachePacked(Object kind, long first, long last, Object value) {
    int slot = kind.equals(packedKind[0]) ? 0 : kind.equals(packedKind[1]) ? 1 : -1;
    if (slot < 0) {
      slot = packedKind[0] == null ? 0 : packedKind[1] == null ? 1 : packedNext;
      packedNext = 1 - slot;
    }
    packedKind[slot] = kind;
    packedFirst[slot] = first;
    packedLast[slot] = last;
    packedValue[slot] = value;
  }

  /** Forgets the cached batches once their events are no longer kept. */
  void dropPackedBefore(long firstKept) {
    for (int i = 0; i < 2; i++) {
      if (packedKind[i] != null && packedFirst[i] < firstKept) {
        packedKind[i] = null;
        packedValue[i] = null;
      }
    }
  }

  /** The smallest acknowledged number of the open cursors; {@code lastSeq} when there is none. */
  long minAcknowledged() {
    long min = lastSeq;
    for (Cursor cursor : cursors) {
      min = Math.min(min, cursor.acknowledgedLocked());
    }
    return min;
  }

  /** The bytes of the kept events after {@code after}. */
  long bytesAfter(long after) {
    long from = Math.max(0, after + 1 - firstSeq());
    long out = 0;
    for (long i = from; i < count; i++) {
      out += sizes[(int) ((head + i) % events.length)];
    }
    return out;
  }
}
