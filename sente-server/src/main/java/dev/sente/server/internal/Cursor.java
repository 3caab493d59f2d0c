package dev.sente.server.internal;

import java.util.List;
import java.util.function.Function;

/**
 * One client's position in its user's stream of a {@link DeliveryLog}: the number of the last event
 * the client has been given ({@link #sent()}) and of the last one it acknowledged ({@link
 * #acknowledged()}). A cursor is bound to one user's stream, and so to one epoch, for its whole
 * life: it only ever reads that stream, and while it is open the stream is kept (with its epoch and
 * numbers) even when it holds no events.
 *
 * <p>A drain takes what lies after the cursor with {@link #next(long)}. When there is nothing, the
 * cursor is <em>armed</em>: the next append to the stream calls the cursor's wake-up once, on the
 * appending thread, outside every lock of the log, and disarms it; the drain then calls {@code
 * next} again. A WebSocket drain is a loop, not a recursion:
 *
 * <pre>{@code
 * void drain() {            // called on open, by the wake-up, and when a write completes
 *   if (writing) return;    // one write at a time
 *   ReadResult r = cursor.next(maxFrameBytes);
 *   if (r instanceof ReadResult.Batch b) { writing = true; write(frameOf(b), done -> { writing = false; drain(); }); }
 *   // UpToDate: armed, the wake-up calls drain() again
 * }
 * }</pre>
 *
 * (a write that completes inline must set a flag that an outer {@code while} loop tests, instead of
 * calling {@code drain()} from inside itself). A held Ajax poll calls {@code next} when the poll
 * arrives and, when it gets nothing, is completed by the wake-up.
 *
 * <p>Thread-safe: every method takes the stream's lock, briefly. Two threads calling {@code next}
 * on one cursor at once each get a different batch; a drain should be the only caller.
 */
public final class Cursor {
  private final DeliveryLog log;
  final UserStream stream;
  private final Runnable wakeUp;

  // guarded by stream
  private long sent;
  private long acknowledged;
  private volatile boolean armed; // written under the stream's lock, read without it by isArmed
  private boolean lappedNotified; // the wake-up was called for events trimmed unread
  private boolean lost; // the stream started again under the cursor: the next read says so
  private boolean closed;

  Cursor(DeliveryLog log, UserStream stream, Runnable wakeUp, long at) {
    this.log = log;
    this.stream = stream;
    this.wakeUp = wakeUp;
    this.sent = at;
    this.acknowledged = at;
  }

  /** The user whose stream this cursor reads. */
  public String user() {
    return stream.user;
  }

  /** The epoch of the cursor's stream; it never changes. */
  public String epoch() {
    return stream.epoch;
  }

  /** The number of the last event handed out by {@link #next}, or set by {@link #resume}. */
  public long sent() {
    synchronized (stream) {
      return sent;
    }
  }

  /** The number of the last event the client acknowledged (never above {@link #sent()}). */
  public long acknowledged() {
    synchronized (stream) {
      return acknowledged;
    }
  }

  /**
   * Records that the client has every event up to {@code seq} (a lower value is ignored). In a
   * stream that does not retain its events (no resume client), the events every cursor has
   * acknowledged leave the log.
   */
  public void acknowledge(long seq) {
    synchronized (stream) {
      if (seq > acknowledged) {
        acknowledged = Math.min(seq, sent);
        log.window.trimAcknowledged(stream);
      }
    }
  }

  /** {@link #acknowledged()} for the log, which holds the stream's lock. */
  long acknowledgedLocked() {
    return acknowledged;
  }

  /**
   * Moves the cursor back to its last acknowledged event: what was handed out after it was not
   * delivered (a poll gone before its answer was written) and is read again by the next {@link
   * #next}, as far as the log still keeps it.
   */
  public void rewind() {
    synchronized (stream) {
      sent = acknowledged;
    }
  }

  /**
   * Whether events after the cursor were trimmed before it read them: its reader fell behind the
   * window (a slow consumer, or one away too long).
   */
  public boolean isLapped() {
    synchronized (stream) {
      return !closed && sent < stream.firstSeq() - 1;
    }
  }

  /** The bytes of the kept events after the cursor: what its client has still to be given. */
  public long unreadBytes() {
    synchronized (stream) {
      return closed ? 0 : stream.bytesAfter(sent);
    }
  }

  /**
   * Places the cursor where the client says it is, as a handshake does: {@code epoch == null} is a
   * fresh start (the cursor goes to the stream's last number, older events are not sent); a cursor
   * of this epoch in the window is taken as is ({@code recovered}); one older than the window goes
   * to just before the oldest kept event with the exact count of trimmed events as the gap; any
   * other (another epoch, a number after the stream's last, a negative one) goes to the stream's
   * last number with an unknown gap. Disarms the cursor. A gap counts in {@link
   * DeliveryLog.Stats#gapsReported()}.
   */
  public Resumed resume(String epoch, long seq) {
    Resumed out;
    synchronized (stream) {
      log.window.trimByAge(stream, log.now());
      long first = stream.firstSeq();
      long last = stream.lastSeq();
      if (epoch == null) {
        out = new Resumed(stream.epoch, last, null, null);
      } else if (!epoch.equals(stream.epoch) || seq < 0 || seq > last) {
        out = new Resumed(stream.epoch, last, false, null);
      } else if (seq >= first - 1) {
        out = new Resumed(stream.epoch, seq, true, null);
      } else {
        out = new Resumed(stream.epoch, first - 1, false, first - 1 - seq);
      }
      sent = out.seq();
      acknowledged = out.seq();
      armed = false;
      lost = false;
    }
    if (Boolean.FALSE.equals(out.recovered())) {
      log.gapReported();
    }
    return out;
  }

  /**
   * The events after the cursor, up to {@code maxBytes} (at least one), and moves the cursor to the
   * batch's last event. When the cursor fell behind the window the batch starts with the oldest
   * kept event and says how many were missed ({@link ReadResult.Batch#missed()}), possibly with no
   * events. When there is nothing after the cursor the result is {@link ReadResult.UpToDate} and
   * the cursor is armed. A closed cursor always gets {@code UpToDate} and is never armed.
   */
  public ReadResult next(long maxBytes) {
    ReadResult out;
    synchronized (stream) {
      if (closed) {
        return new ReadResult.UpToDate(stream.epoch, sent);
      }
      log.window.trimByAge(stream, log.now());
      long last = stream.lastSeq();
      if (lost) {
        lost = false;
        armed = false;
        // the window may have moved past the restart's place before this read: start at the
        // oldest kept event (the gap is of unknown size either way)
        long after = Math.max(sent, stream.firstSeq() - 1);
        ReadResult.Batch batch =
            after >= last
                ? new ReadResult.Batch(
                    stream.epoch, last + 1, last, ReadResult.Batch.UNKNOWN_GAP, List.of(), 0)
                : stream.batchAfter(after, 0, maxBytes).withMissed(ReadResult.Batch.UNKNOWN_GAP);
        sent = batch.lastSeq();
        out = batch;
        log.gapReported();
        return out;
      }
      if (sent >= last) {
        armed = true;
        return new ReadResult.UpToDate(stream.epoch, last);
      }
      armed = false;
      long after = sent;
      long missed = 0;
      long first = stream.firstSeq();
      if (after < first - 1) {
        missed = first - 1 - after;
        after = first - 1;
        lappedNotified = false;
      }
      ReadResult.Batch batch =
          after == last
              ? new ReadResult.Batch(stream.epoch, last + 1, last, missed, List.of(), 0)
              : stream.batchAfter(after, missed, maxBytes);
      sent = batch.lastSeq();
      out = batch;
    }
    if (((ReadResult.Batch) out).hasGap()) {
      log.gapReported();
    }
    return out;
  }

  /**
   * The packed form of a batch this cursor's stream gave, from the stream's one-entry cache when
   * the last batch packed for it (by any cursor of the user, with the same {@code kind}) is this
   * very range; otherwise packs it with {@code pack} outside the lock and caches it. Two clients of
   * a user at the same cursor so pack a batch once. A batch with a gap is not cached (its frame
   * says the gap, which is the reader's own). {@code kind} tells apart packings of one range that
   * differ (say a WebSocket frame and an Ajax body); all values cached for one kind must be of one
   * type.
   */
  public <T> T packed(
      ReadResult.Batch batch, Object kind, Function<? super ReadResult.Batch, T> pack) {
    return log.packed(stream, batch, kind, pack);
  }

  /**
   * Closes the cursor: its client is gone. A stream with no events and no open cursor leaves the
   * log. Idempotent.
   */
  public void close() {
    synchronized (stream) {
      if (closed) {
        return;
      }
      closed = true;
      armed = false;
      stream.cursors.remove(this);
      log.window.trimByAge(stream, log.now());
      log.window.trimAcknowledged(stream);
      log.removeIfIdle(stream);
    }
  }

  /**
   * Whether the cursor is armed (up to date, waiting for the next append's wake-up), read without
   * the lock: a drain that finds it armed has nothing to take, and the wake-up will call it.
   */
  public boolean isArmed() {
    return armed;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    synchronized (stream) {
      return closed;
    }
  }

  /** Called by an append under the stream's lock: disarms and says whether to wake. */
  boolean takeArmed() {
    if (armed && wakeUp != null) {
      armed = false;
      return true;
    }
    return false;
  }

  /**
   * Called by an append under the stream's lock after it trimmed: true once when events after the
   * cursor were trimmed before it read them, so that its drain learns it fell behind.
   */
  boolean takeLapped(long firstKept) {
    if (!closed && !lappedNotified && wakeUp != null && sent < firstKept - 1) {
      lappedNotified = true;
      armed = false;
      return true;
    }
    return false;
  }

  void wake() {
    wakeUp.run();
  }

  /**
   * Called under the stream's lock when the stream started again after {@code lastSeq} (a cluster's
   * shared log began a new epoch, or went on past what this node had): the cursor goes there and
   * its next read reports a gap of unknown size. True when the wake-up should be called.
   */
  boolean restartAt(long lastSeq) {
    sent = lastSeq;
    acknowledged = lastSeq;
    lost = true;
    armed = false;
    return !closed && wakeUp != null;
  }
}
