package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.server.SenteRequest;
import java.util.List;

/**
 * The resume extension on the Ajax transport (docs/protocol.md, "Extensions / Resume"): a client
 * that asks for it at its Ajax handshake gets a {@link Cursor} on its {@link ClientEntry} for the
 * entry's whole life, and every poll names the client's cursor ({@code epoch}, {@code seq}): that
 * is its acknowledgement, so the poll is answered with what lies after it. A poll answer lost in
 * flight is simply read again by the next poll, which still names the older cursor; the client
 * drops what it has seen. A poll finding nothing after its cursor is held, and the cursor's wake-up
 * (the next append to the user's stream) answers it.
 *
 * <p>Every method here expects the caller to hold the registry lock (the cursor's position and the
 * held poll change together, so a wake-up and a new poll never both answer one poll); nothing here
 * does I/O: the caller packs and writes the answer after releasing the lock.
 */
final class AjaxResume {
  private final Engine engine;

  /**
   * What a poll is answered with: the batch read after the cursor, and the gap to report before it
   * ({@code gap}: a count, null when unknown; only when {@code hasGap}).
   */
  record Answer(Cursor cursor, ReadResult.Batch batch, boolean hasGap, Long gap) {}

  AjaxResume(Engine engine) {
    this.engine = engine;
  }

  /**
   * At an Ajax handshake: when the log is on and the request asks for resume, gives the entry a
   * cursor unless it has one (a repeated handshake keeps it), places it where the request says the
   * client is, and returns the handshake's grant; null when resume is not granted. Hold the
   * registry lock; call {@link Engine#ensureLogSweeps()} after releasing it when this returned a
   * grant.
   */
  Object grant(ClientEntry entry, SenteRequest request, Runnable wakeUp) {
    DeliveryLog log = engine.log();
    if (log == null || !WsConnection.asksResume(request)) {
      return null;
    }
    if (entry.resumeCursor == null) {
      entry.resumeCursor = log.open(entry.userId, wakeUp);
    }
    return ResumeFrames.grant(ResumeFrames.place(entry.resumeCursor, request));
  }

  /**
   * At a poll of a client granted resume: moves its cursor to the one the poll names (a poll
   * without one keeps the cursor where it is) and reads after it. Null when there is nothing to
   * send (the cursor is armed: hold the poll) or the client has no cursor.
   */
  Answer poll(ClientEntry entry, SenteRequest request) {
    Cursor cursor = entry.resumeCursor;
    if (cursor == null) {
      return null;
    }
    Resumed placed =
        request.queryParam("epoch").isPresent() ? ResumeFrames.place(cursor, request) : null;
    boolean hasGap = placed != null && Boolean.FALSE.equals(placed.recovered());
    Long gap = hasGap ? placed.gap() : null; // with hasGap, null is an unknown gap
    ReadResult next = cursor.next(batchBytes());
    if (next instanceof ReadResult.Batch batch) {
      if (batch.hasGap()) { // trimmed between the placing and the read: add it up
        gap = hasGap && gap == null ? null : (hasGap ? gap : 0L) + batch.missed();
        hasGap = true;
      }
      return new Answer(cursor, batch, hasGap, gap);
    }
    if (hasGap) {
      long at = next.lastSeq();
      return new Answer(
          cursor, new ReadResult.Batch(cursor.epoch(), at + 1, at, 0, List.of(), 0), true, gap);
    }
    return null;
  }

  /** At a wake-up of the cursor while a poll is held: the batch after it, or null for none. */
  Answer wake(ClientEntry entry) {
    Cursor cursor = entry.resumeCursor;
    if (cursor == null) {
      return null;
    }
    ReadResult next = cursor.next(batchBytes());
    if (next instanceof ReadResult.Batch batch) {
      return new Answer(cursor, batch, batch.hasGap(), batch.hasGap() ? batch.missed() : null);
    }
    return null;
  }

  /** The answer's frame; packed once for every client of the user at the same range. */
  Packed frame(Answer answer) {
    Protocol protocol = engine.protocol();
    if (answer.hasGap()) {
      return ResumeFrames.push(protocol, answer.batch(), answer.gap());
    }
    return answer
        .cursor()
        .packed(answer.batch(), ResumeFrames.PUSH, b -> ResumeFrames.push(protocol, b));
  }

  private long batchBytes() {
    return Math.max(1, engine.config().maxMessageBytes() - ResumeFrames.META_BYTES);
  }
}
