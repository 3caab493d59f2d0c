package dev.sente.client.internal;

import dev.sente.client.Recovery;
import dev.sente.core.Event;
import dev.sente.core.Protocol;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of the resume extension (docs/protocol.md, "Extensions / Resume"): whether it
 * asks, whether the current connection's handshake granted it, and the cursor {@code (epoch, seq)}
 * in the user's stream, which outlives every session and transport. Guarded by the client's lock.
 */
final class Resume {

  private static final Logger LOG = LoggerFactory.getLogger(Resume.class);

  /** The extension's name in {@code ext}. */
  static final String NAME = "resume";

  private final boolean asked;
  private final Protocol protocol;
  private final Outbox outbox = new Outbox();
  private boolean granted;
  private String epoch;
  private long seq;

  /** What one push frame comes to: the events to deliver and a gap to report, if any. */
  record Push(List<Event> events, Optional<Recovery> gap) {}

  Resume(boolean asked, Protocol protocol) {
    this.asked = asked;
    this.protocol = protocol;
  }

  /** The numbering of the events this client sends. */
  Outbox outbox() {
    return outbox;
  }

  /** Whether the current connection's handshake granted resume. */
  boolean granted() {
    return granted;
  }

  /**
   * What a POST carries: {@code ext=resume} when the client asks, no cursor; with {@code cseq} and
   * {@code cepoch} for a numbered event ({@code cseq > 0}).
   */
  Map<String, String> ask(long cseq) {
    if (!asked) {
      return Map.of();
    }
    if (cseq <= 0) {
      return Map.of("ext", NAME);
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("ext", NAME);
    query.put("cepoch", outbox.epoch());
    query.put("cseq", Long.toString(cseq));
    return query;
  }

  /**
   * The {@code cseq} in a handshake's or pong's meta: the highest number of this client's events
   * that the server handled; -1 without one.
   */
  long confirmed(Object meta) {
    if (!(meta instanceof Map<?, ?> map)) {
      return -1;
    }
    OptionalLong n = count(get(map, "cseq"));
    return n.isPresent() ? n.getAsLong() : -1;
  }

  /**
   * The query parameters the client adds: {@code ext=resume} when it asks, and its cursor {@code
   * epoch=..&seq=..} once it has one, and the numbering of its events ({@code cepoch=..&cfrom=..});
   * nothing when it does not ask.
   */
  Map<String, String> query() {
    Map<String, String> query = new LinkedHashMap<>();
    if (asked) {
      query.put("ext", NAME);
      if (epoch != null) {
        query.put("epoch", epoch);
        query.put("seq", Long.toString(seq));
      }
      outbox.addQuery(query); // any poll may be answered with a handshake
    }
    return query;
  }

  /**
   * A handshake arrived with this meta (null without one). Returns the outcome to report: empty
   * when resume is not granted or this is the client's first open; otherwise {@link
   * Recovery.Recovered} only when the server said {@code recovered: true} for the cursor the client
   * holds, else a {@link Recovery.Gap}.
   */
  Optional<Recovery> handshake(Object meta, boolean firstOpen) {
    granted = false;
    if (!asked || !(meta instanceof Map<?, ?> map) || !grants(get(map, "ext"))) {
      return Optional.empty();
    }
    Optional<String> newEpoch = name(get(map, "epoch"));
    OptionalLong newSeq = count(get(map, "seq"));
    if (newEpoch.isEmpty() || newSeq.isEmpty()) {
      LOG.warn("The handshake granted resume without a readable epoch and seq; not using it");
      return Optional.empty();
    }
    granted = true;
    Object verdict = get(map, "recovered");
    boolean same = epoch != null && epoch.equals(newEpoch.get());
    Recovery outcome;
    if (Boolean.TRUE.equals(verdict) && same) {
      outcome = new Recovery.Recovered();
      seq = Math.max(seq, newSeq.getAsLong());
    } else {
      outcome =
          new Recovery.Gap(
              Boolean.FALSE.equals(verdict) ? count(get(map, "gap")) : OptionalLong.empty());
      epoch = newEpoch.get();
      seq = newSeq.getAsLong();
    }
    return firstOpen ? Optional.empty() : Optional.of(outcome);
  }

  /**
   * A push frame's events with the frame's meta (null without one). Without a grant, or a meta
   * without a readable {@code seq}, every event is delivered as today. Otherwise the frame holds
   * the events numbered {@code seq-k+1} to {@code seq}: those at or below the cursor are dropped
   * (the client has them), the cursor moves to {@code seq}, and a {@code gap} in the meta is
   * reported.
   */
  Push push(List<Event> events, Object meta) {
    if (!granted || !(meta instanceof Map<?, ?> map)) {
      return new Push(events, Optional.empty());
    }
    OptionalLong last = count(get(map, "seq"));
    if (last.isEmpty()) {
      return new Push(events, Optional.empty());
    }
    long s = last.getAsLong();
    Optional<String> frameEpoch = name(get(map, "epoch"));
    boolean newEpoch = frameEpoch.isPresent() && !frameEpoch.get().equals(epoch);
    boolean hasGap = has(map, "gap");
    Optional<Recovery> gap = Optional.empty();
    if (hasGap || newEpoch) {
      gap = Optional.of(new Recovery.Gap(hasGap ? count(get(map, "gap")) : OptionalLong.empty()));
    }
    if (newEpoch || (hasGap && s < seq)) {
      // numbering started again (or the server set a cursor from the future back): all is new
      epoch = frameEpoch.orElse(epoch);
      seq = s;
      return new Push(events, gap);
    }
    long first = s - events.size() + 1;
    List<Event> fresh = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      if (first + i > seq) {
        fresh.add(events.get(i));
      }
    }
    seq = Math.max(seq, s);
    return new Push(fresh, gap);
  }

  /** The local event {@code chsk/recovery} for an outcome. */
  static Event event(Recovery recovery) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("recovered", recovery.recovered());
    if (recovery instanceof Recovery.Gap g) {
      data.put("gap", g.missed().isPresent() ? g.missed().getAsLong() : null);
    }
    return new Event(Recovery.EVENT_ID, data);
  }

  private boolean grants(Object ext) {
    if (!(ext instanceof List<?> names)) {
      return false;
    }
    for (Object n : names) {
      if (name(n).filter(NAME::equals).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** A map's value under a name, as a string key or as the packer's keyword. */
  private Object get(Map<?, ?> map, String key) {
    Object value = map.get(key);
    return value != null ? value : map.get(protocol.keyword(key));
  }

  private boolean has(Map<?, ?> map, String key) {
    return map.containsKey(key) || map.containsKey(protocol.keyword(key));
  }

  private Optional<String> name(Object value) {
    if (value instanceof String s) {
      return Optional.of(s);
    }
    return value == null ? Optional.empty() : protocol.packer().keywordName(value);
  }

  /** A non-negative whole number that fits a long, or empty. */
  private static OptionalLong count(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      long n = ((Number) value).longValue();
      return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
    }
    if (value instanceof BigInteger big && big.signum() >= 0 && big.bitLength() < 64) {
      return OptionalLong.of(big.longValue());
    }
    return OptionalLong.empty();
  }
}
