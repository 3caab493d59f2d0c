package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.server.SenteRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frames of the resume extension (docs/protocol.md, "Extensions / Resume"): the handshake's
 * grant and the push frames read from a {@link Cursor}, each with its {@code meta}.
 */
final class ResumeFrames {
  /** The extension's name in {@code ext}. */
  static final String NAME = "resume";

  /** The kind of a plain push frame, without meta, in a stream's packed-batch cache. */
  static final Object PLAIN = new Object();

  /** The kind of a push frame in a stream's packed-batch cache (one form for both transports). */
  static final Object PUSH = new Object();

  /** Room kept in a frame for the resume meta ({@code ,{"seq":..,"gap":..}}). */
  static final long META_BYTES = 64;

  private static final List<String> GRANTED = List.of(NAME);

  private ResumeFrames() {}

  /**
   * The handshake's meta for a resumed cursor: {@code {"ext":["resume"],"epoch":E,"seq":S}}, with
   * {@code "recovered"} when the client sent a cursor, and {@code "gap"} (a count or null) when it
   * was not recovered.
   */
  static Map<String, Object> grant(Resumed resumed) {
    Map<String, Object> meta = new LinkedHashMap<>(8);
    meta.put("ext", GRANTED);
    meta.put("epoch", resumed.epoch());
    meta.put("seq", resumed.seq());
    if (resumed.recovered() != null) {
      meta.put("recovered", resumed.recovered());
      if (!resumed.recovered()) {
        meta.put("gap", resumed.gap());
      }
    }
    return meta;
  }

  /**
   * A batch's push frame: {@code [[e1..ek],null,{"seq":s}]}, or with {@code "gap":n} when events
   * before it were trimmed (the batch may then be empty).
   */
  static Packed push(Protocol protocol, ReadResult.Batch batch) {
    Map<String, Object> meta = new LinkedHashMap<>(4);
    meta.put("seq", batch.lastSeq());
    if (batch.hasGap()) {
      meta.put("gap", batch.gap());
      if (batch.gap() == null) {
        meta.put("epoch", batch.epoch()); // the numbering may have started again
      }
    }
    return protocol.push(batch.events(), meta);
  }

  /**
   * A batch's push frame with a gap before it that the batch itself does not hold: {@code
   * [[e1..ek],null,{"seq":s,"gap":n}]}, {@code gap} null for an unknown gap.
   */
  static Packed push(Protocol protocol, ReadResult.Batch batch, Long gap) {
    Map<String, Object> meta = new LinkedHashMap<>(4);
    meta.put("seq", batch.lastSeq());
    meta.put("gap", gap);
    if (gap == null) {
      meta.put("epoch", batch.epoch()); // the client's epoch may not be the stream's
    }
    return protocol.push(batch.events(), meta);
  }

  /**
   * Places a cursor where the request's {@code epoch} and {@code seq} say the client is: none is a
   * fresh start; a malformed or negative number, one from the future or of another epoch gives an
   * unknown gap, never an error.
   */
  static Resumed place(Cursor cursor, SenteRequest request) {
    String epoch = request.queryParam("epoch").orElse(null);
    if (epoch == null) {
      return cursor.resume(null, 0);
    }
    return cursor.resume(epoch, DeliveryLog.parseSeq(request.queryParam("seq").orElse(null)));
  }
}
