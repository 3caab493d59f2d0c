package dev.sente.server.internal;

import dev.sente.core.Event;
import java.util.List;

/**
 * What a read of a {@link DeliveryLog} stream after a cursor gives: a {@link Batch} of the
 * consecutive events after it, {@link UpToDate} when there is nothing after it, or {@link Unknown}
 * when the cursor is not one of this stream's (another epoch, a number the stream never gave, a
 * negative one). Every result names the stream's epoch and the number of its last event, so a
 * caller always learns the cursor to continue from.
 */
public sealed interface ReadResult {

  /** The stream's epoch; null only in {@link Unknown} when the user has no stream at all. */
  String epoch();

  /**
   * The cursor after this result: a batch's last event, or the stream's last number for {@link
   * UpToDate} and {@link Unknown}.
   */
  long lastSeq();

  /**
   * The events numbered {@code firstSeq} to {@code lastSeq}, consecutive, oldest first. When {@code
   * missed} is above zero the cursor had fallen behind the window: that many events, the ones
   * numbered {@code firstSeq - missed} to {@code firstSeq - 1}, were trimmed and cannot be
   * delivered (a gap of a known size, the protocol's {@code "gap": missed}); {@code events} may
   * then be empty ({@code firstSeq == lastSeq + 1}) when nothing after the gap is kept. Without a
   * gap a batch holds at least one event.
   *
   * @param epoch the stream's epoch
   * @param firstSeq the number of the first event (one after the cursor, or after the gap)
   * @param lastSeq the number of the last event: the cursor after this batch
   * @param missed events trimmed between the cursor and {@code firstSeq}; 0 for no gap; {@link
   *     #UNKNOWN_GAP} when events may have been lost but how many is not known (in a cluster, the
   *     shared log started again under the stream)
   * @param events the events, unmodifiable
   * @param bytes the sum of the events' sizes as given to {@code append}
   */
  record Batch(
      String epoch, long firstSeq, long lastSeq, long missed, List<Event> events, long bytes)
      implements ReadResult {

    /** {@link #missed()} for a gap of unknown size. */
    public static final long UNKNOWN_GAP = -1;

    /** Whether events before this batch were trimmed (or may have been lost). */
    public boolean hasGap() {
      return missed != 0;
    }

    /** This batch with another {@code missed}. */
    Batch withMissed(long missed) {
      return new Batch(epoch, firstSeq, lastSeq, missed, events, bytes);
    }

    /** The gap as the protocol says it: the count, or null when it is not known. */
    public Long gap() {
      return missed < 0 ? null : missed;
    }
  }

  /**
   * Nothing after the cursor: it is at the stream's last event.
   *
   * @param epoch the stream's epoch
   * @param lastSeq the stream's last number, which is the cursor
   */
  record UpToDate(String epoch, long lastSeq) implements ReadResult {}

  /**
   * The cursor is not of this stream: of another epoch (or no stream exists), after the stream's
   * last number, or negative. How many events the client missed is not known (the protocol's {@code
   * "gap": null}); the caller continues from {@code lastSeq}, as for a fresh start.
   *
   * @param epoch the stream's epoch, or null when the user has no stream
   * @param lastSeq the stream's last number (0 when there is no stream)
   */
  record Unknown(String epoch, long lastSeq) implements ReadResult {}
}
