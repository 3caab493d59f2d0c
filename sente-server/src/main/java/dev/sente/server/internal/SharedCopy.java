package dev.sente.server.internal;

import dev.sente.core.Event;
import java.util.List;
import java.util.Objects;

/**
 * In a cluster, a node's {@link DeliveryLog} is a copy of the cluster's shared log for the users
 * who have clients on the node ({@link ClusterFeed}); this is how the copy is kept: events that the
 * shared log numbered land only when they follow the copy's last event (and once), a copy made
 * before a cursor opens takes the shared epoch and numbers, and when the shared log is away the
 * node numbers its own pushes in an epoch of its own. Each method takes the stream's lock, like the
 * log's own, and wakes the woken cursors after releasing it.
 */
final class SharedCopy {
  private final DeliveryLog log;

  SharedCopy(DeliveryLog log) {
    this.log = log;
  }

  /** What {@link #appendNumbered} did with events a cluster's shared log numbered. */
  enum Numbered {
    /** Appended: all of them, or those after the stream's last. */
    APPENDED,
    /** The stream has every one of them already. */
    DUPLICATE,
    /** The user has no stream on this node: nobody here reads it. */
    NO_STREAM,
    /** They start after a hole: events before them are missing here (read the shared log). */
    HOLE,
    /** The stream is of another epoch (read the shared log). */
    OTHER_EPOCH
  }

  /**
   * In a cluster: appends events that the shared log numbered ({@code firstSeq} is the first's
   * number in {@code epoch}) to the user's stream, when it has one of that epoch and they follow
   * its last event or overlap it (the part already here is skipped); wakes the armed cursors. Never
   * creates a stream, never leaves a hole: see {@link Numbered} for the cases where nothing is
   * appended.
   */
  Numbered appendNumbered(
      String user, String epoch, long firstSeq, List<Event> events, int[] sizes) {
    Objects.requireNonNull(user, "user");
    checkNumbered(epoch, firstSeq, events, sizes);
    UserStream stream = log.streams.get(user);
    if (stream == null) {
      return Numbered.NO_STREAM;
    }
    long now = log.now();
    Cursor[] wake;
    synchronized (stream) {
      if (stream.removed) {
        return Numbered.NO_STREAM;
      }
      if (!stream.epoch.equals(epoch)) {
        return Numbered.OTHER_EPOCH;
      }
      long last = stream.lastSeq();
      if (firstSeq > last + 1) {
        return Numbered.HOLE;
      }
      long from = last + 1 - firstSeq;
      if (from >= events.size()) {
        return Numbered.DUPLICATE;
      }
      log.window.trimByAge(stream, now);
      wake = log.addLocked(stream, events, sizes, (int) from, now);
    }
    log.finish(now, stream, wake);
    return Numbered.APPENDED;
  }

  /**
   * In a cluster, before a client's cursor opens: makes the user's stream agree with what the
   * shared log said, and opens the cursor at the stream's last number (as {@link
   * DeliveryLog#open(String, Runnable, boolean)}). {@code events} are the shared log's latest
   * events, numbered from {@code firstSeq} in {@code epoch} (empty: {@code firstSeq - 1} is its
   * last number). The stream is created with that epoch and numbering when the user has none; one
   * of another epoch, or that lacks events before these, starts again there (its cursors' next
   * reads report a gap of unknown size); events it lacks after its last are appended, and older
   * ones it no longer or never had are put before its oldest.
   */
  Cursor openShared(
      String user,
      String epoch,
      long firstSeq,
      List<Event> events,
      int[] sizes,
      Runnable wakeUp,
      boolean retain) {
    Objects.requireNonNull(user, "user");
    checkNumbered(epoch, firstSeq, events, sizes);
    long now = log.now();
    while (true) {
      UserStream stream =
          log.streams.computeIfAbsent(user, u -> new UserStream(u, epoch, retain, firstSeq - 1));
      Cursor cursor;
      Cursor[] wake;
      synchronized (stream) {
        if (stream.removed) {
          continue;
        }
        wake = shareLocked(stream, epoch, firstSeq, events, sizes, now);
        stream.retain |= retain;
        cursor = new Cursor(log, stream, wakeUp, stream.lastSeq());
        stream.cursors.add(cursor);
      }
      log.finish(now, stream, wake);
      return cursor;
    }
  }

  /**
   * In a cluster, when the user's stream missed events: makes it agree with what the shared log
   * said, as {@link #openShared} does, without opening a cursor. False when the user has no stream
   * here (nothing is done).
   */
  boolean syncShared(String user, String epoch, long firstSeq, List<Event> events, int[] sizes) {
    checkNumbered(epoch, firstSeq, events, sizes);
    UserStream stream = log.streams.get(user);
    if (stream == null) {
      return false;
    }
    long now = log.now();
    Cursor[] wake;
    synchronized (stream) {
      if (stream.removed) {
        return false;
      }
      wake = shareLocked(stream, epoch, firstSeq, events, sizes, now);
      log.removeIfIdle(stream);
    }
    log.finish(now, stream, wake);
    return true;
  }

  private static void checkNumbered(String epoch, long firstSeq, List<Event> events, int[] sizes) {
    Objects.requireNonNull(epoch, "epoch");
    DeliveryLog.checkSizes(events, sizes);
    if (firstSeq < 1) {
      throw new IllegalArgumentException("firstSeq must be at least 1: " + firstSeq);
    }
  }

  /** Brings the stream to the shared log's events; see {@link #openShared}. Hold its lock. */
  private Cursor[] shareLocked(
      UserStream stream, String epoch, long firstSeq, List<Event> events, int[] sizes, long now) {
    log.window.trimByAge(stream, now);
    Cursor[] wake = null;
    if (!stream.epoch.equals(epoch) || firstSeq > stream.lastSeq() + 1) {
      log.window.cleared(stream.restart(epoch, firstSeq - 1));
      stream.localEpoch = false;
      wake = new Cursor[stream.cursors.size()];
      int n = 0;
      for (Cursor cursor : stream.cursors) {
        if (cursor.restartAt(firstSeq - 1)) {
          wake[n++] = cursor;
        }
      }
    }
    long older = Math.min(events.size(), stream.firstSeq() - firstSeq);
    long added = 0;
    for (int i = (int) older - 1; i >= 0; i--) {
      stream.addOldest(Objects.requireNonNull(events.get(i), "event"), sizes[i], now);
      added += sizes[i];
    }
    if (added > 0) {
      log.window.added(stream, added, now);
    }
    long from = stream.lastSeq() + 1 - firstSeq;
    if (from < events.size()) {
      Cursor[] more = log.addLocked(stream, events, sizes, (int) from, now);
      wake = DeliveryLog.concat(wake, more);
    }
    return wake;
  }

  /**
   * In a cluster whose shared log is away: appends the events to the user's stream here, numbered
   * in an epoch of this node's own, so that the node goes on serving its own clients. A stream of
   * the shared epoch first starts again in a new local epoch (its cursors' next reads report a gap
   * of unknown size and name the new epoch: what other nodes push meanwhile does not reach them);
   * the shared log's next event, or the catch-up when the bus is back, moves it back to the shared
   * epoch the same way. False when the user has no stream here (nobody here reads it).
   */
  boolean appendLocal(String user, List<Event> events, int[] sizes) {
    DeliveryLog.checkSizes(events, sizes);
    UserStream stream = log.streams.get(user);
    if (stream == null || events.isEmpty()) {
      return stream != null;
    }
    long now = log.now();
    Cursor[] wake;
    synchronized (stream) {
      if (stream.removed) {
        return false;
      }
      wake = null;
      if (!stream.localEpoch) {
        wake = shareLocked(stream, DeliveryLog.newEpoch(), 1, List.of(), new int[0], now);
        stream.localEpoch = true;
      }
      log.window.trimByAge(stream, now);
      Cursor[] more = log.addLocked(stream, events, sizes, 0, now);
      wake = DeliveryLog.concat(wake, more);
    }
    log.finish(now, stream, wake);
    return true;
  }

  /**
   * Whether the user's stream here is numbered in an epoch of this node's own ({@link
   * #appendLocal}).
   */
  boolean hasLocalEpoch(String user) {
    UserStream stream = log.streams.get(user);
    if (stream == null) {
      return false;
    }
    synchronized (stream) {
      return stream.localEpoch;
    }
  }
}
