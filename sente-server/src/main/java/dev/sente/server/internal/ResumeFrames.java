package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.Protocol;
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

  /** The kind of a WebSocket push frame in a stream's packed-batch cache. */
  static final Object WEBSOCKET_PUSH = new Object();

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
      meta.put("gap", batch.missed());
    }
    return protocol.push(batch.events(), meta);
  }
}
