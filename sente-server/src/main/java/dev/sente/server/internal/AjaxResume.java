package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.server.SenteRequest;
import java.util.List;
import java.util.Map;

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
  record Answer(
      Cursor cursor, ReadResult.Batch batch, boolean hasGap, Long gap, boolean numbered) {}

  AjaxResume(Engine engine) {
    this.engine = engine;
  }

  /**
   * At an Ajax handshake: gives the entry a cursor unless it has one (a repeated handshake keeps
   * it), and, when the log grants resume and the request asks for it, places it where the request
   * says the client is and returns the handshake's grant; null when resume is not granted (the
   * client reads from the stream's end on, and its frames carry no numbers). Hold the registry
   * lock; call {@link Engine#ensureLogSweeps()} after releasing it.
   */
  Map<String, Object> open(ClientEntry entry, SenteRequest request, Runnable wakeUp) {
    boolean resumes = engine.config().resume() && WsConnection.asksResume(request);
    if (entry.cursor != null && resumes && !entry.resumes) {
      entry.cursor.close(); // it now asks: a cursor that keeps the window
      entry.cursor = null;
    }
    if (entry.cursor == null) {
      entry.cursor = engine.log().open(entry.userId, wakeUp, resumes);
    }
    entry.resumes = resumes;
    return resumes ? ResumeFrames.grant(ResumeFrames.place(entry.cursor, request)) : null;
  }

  /**
   * At a poll: a client granted resume moves its cursor to the one the poll names (a poll without
   * one keeps the cursor where it is); then reads after the cursor. Null when there is nothing to
   * send (the cursor is armed: hold the poll) or the client has no cursor.
   */
  Answer poll(ClientEntry entry, SenteRequest request) {
    Cursor cursor = entry.cursor;
    if (cursor == null) {
      return null;
    }
    Resumed placed =
        request.queryParam("epoch").isPresent() ? ResumeFrames.place(cursor, request) : null;
    boolean hasGap = placed != null && Boolean.FALSE.equals(placed.recovered());
    Long gap = hasGap ? placed.gap() : null; // with hasGap, null is an unknown gap
    ReadResult next = cursor.next(batchBytes());
    if (!entry.resumes) {
      return plain(entry, next);
    }
    if (next instanceof ReadResult.Batch batch) {
      if (batch.hasGap()) { // trimmed between the placing and the read: add it up
        gap =
            (hasGap && gap == null) || batch.gap() == null
                ? null
                : (hasGap ? gap : 0L) + batch.missed();
        hasGap = true;
      }
      return new Answer(cursor, batch, hasGap, gap, true);
    }
    if (hasGap) {
      long at = next.lastSeq();
      return new Answer(
          cursor,
          new ReadResult.Batch(cursor.epoch(), at + 1, at, 0, List.of(), 0),
          true,
          gap,
          true);
    }
    return null;
  }

  /** At a wake-up of the cursor while a poll is held: the batch after it, or null for none. */
  Answer wake(ClientEntry entry) {
    Cursor cursor = entry.cursor;
    if (cursor == null) {
      return null;
    }
    ReadResult next = cursor.next(batchBytes());
    if (!entry.resumes) {
      return plain(entry, next);
    }
    if (next instanceof ReadResult.Batch batch) {
      return new Answer(cursor, batch, batch.hasGap(), batch.hasGap() ? batch.gap() : null, true);
    }
    return null;
  }

  /**
   * A plain client's answer: the events read, without numbers; a plain client cannot be told of a
   * gap (the log counts what it trimmed unread), so a read that found only a gap holds the poll.
   */
  private Answer plain(ClientEntry entry, ReadResult next) {
    if (next instanceof ReadResult.Batch batch && batch.events().isEmpty()) {
      next = entry.cursor.next(batchBytes()); // past the gap: up to date, and armed
    }
    if (next instanceof ReadResult.Batch batch && !batch.events().isEmpty()) {
      return new Answer(entry.cursor, batch, false, null, false);
    }
    return null;
  }

  /** The answer's frame; packed once for every client of the user at the same range. */
  Packed frame(Answer answer) {
    Protocol protocol = engine.protocol();
    if (!answer.numbered()) {
      return answer
          .cursor()
          .packed(answer.batch(), ResumeFrames.PLAIN, b -> protocol.push(b.events()));
    }
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
