package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import dev.sente.server.SenteRequest;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other direction of resume: the events a client numbers ({@code cseq}, counted from 1 in the
 * client's {@code cepoch}, one per client instance) reach the handlers once each and in order,
 * across reconnects, transport changes and retried POSTs. One {@link Seq} per client id of a user,
 * kept while the client is seen and for the resume window's age after (at most {@code maxClients};
 * the least recently seen go first).
 *
 * <p>An event numbered at or below what was handled is a duplicate and is dropped. One that comes
 * before an earlier number waits (at most {@code maxHeld} per client, at most {@link
 * #HOLD_MILLIS}); when the missing ones do not come in time, the waiting ones are handed over and
 * the gap is logged. The lock of a {@code Seq} is taken before a handler queue's, never after.
 */
final class ClientSequences {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSequences.class);

  /** At most this many clients' numbering is kept (about 200 bytes each). */
  static final int MAX_CLIENTS = 100_000;

  /** How long an event waits for the events numbered before it. */
  static final long HOLD_MILLIS = 5_000;

  /** The outcome of a numbered event. */
  enum Outcome {
    /** Handed to the handlers, with the held ones that follow it. */
    HANDLED,
    /** Waits for an earlier number. */
    HELD,
    /** Handled before: dropped. */
    DUPLICATE,
    /**
     * Not taken: its turn came and the handler queue refused it, or too many wait before it and the
     * client can send it again. Not handled: the client sends it again.
     */
    REFUSED
  }

  /** Where a client's events go: at once if there is room, or beyond the queue's bound. */
  interface Sink {
    /** Queues the message's handler; false when the queue refuses it. */
    boolean offer(Message message);

    /**
     * Queues the message's handler even past the queue's bound (a held event, already answered).
     */
    void force(Message message);

    /**
     * True when the client can be told to send the event again later (an Ajax POST's 429): then an
     * event that finds {@code maxHeld} waiting is refused rather than the gap skipped.
     */
    default boolean refusable() {
      return false;
    }
  }

  private final LongSupplier clock;
  private final Scheduler scheduler;
  private final long maxAgeMillis;
  private final int maxHeld;
  private final int maxClients;
  private final LogLimiter gapLog;

  /** In the order last seen, guarded by this. */
  private final LinkedHashMap<String, Seq> seqs = new LinkedHashMap<>(16, 0.75f, true);

  ClientSequences(
      LongSupplier clock, Scheduler scheduler, long maxAgeMillis, int maxHeld, int maxClients) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.maxAgeMillis = maxAgeMillis;
    this.maxHeld = Math.max(1, maxHeld);
    this.maxClients = maxClients;
    this.gapLog = LogLimiter.perMinute(clock);
  }

  /**
   * The client's numbering at a handshake: {@code from} is the lowest number the client may still
   * send. A client seen before in the same epoch keeps what was handled; otherwise (a new client, a
   * new instance, a server that forgot it) everything before {@code from} counts as handled.
   */
  Seq attach(String userId, String clientId, String epoch, long from) {
    synchronized (this) {
      Seq seq = lookUp(userId, clientId);
      if (seq != null && seq.epoch.equals(epoch)) {
        seq.placed(from);
        return seq;
      }
      return replace(seq, userId, clientId, epoch, Math.max(0, from - 1), false);
    }
  }

  /**
   * At a handshake granting resume: the client's numbering of its events, when its request names
   * its {@code cepoch} (and {@code cfrom}, the lowest number it may still send), placed, and
   * confirmed in the grant as {@code cseq}, the highest number handled. Null (and the grant
   * unchanged) without a readable epoch.
   */
  Seq attach(String userId, String clientId, SenteRequest request, Map<String, Object> grant) {
    String epoch = epoch(request.queryParam("cepoch").orElse(null));
    if (epoch == null) {
      return null;
    }
    long from = number(request.queryParam("cfrom").orElse("1"));
    Seq seq = attach(userId, clientId, epoch, from < 0 ? 1 : from);
    grant.put("cseq", seq.handled());
    return seq;
  }

  /**
   * The client's numbering for a POST of {@code epoch}: the one a handshake placed, or, for an
   * epoch this server has not seen at a handshake, a new one whose first event sets the count.
   */
  Seq find(String userId, String clientId, String epoch) {
    synchronized (this) {
      Seq seq = lookUp(userId, clientId);
      if (seq != null && seq.epoch.equals(epoch)) {
        return seq;
      }
      return replace(seq, userId, clientId, epoch, -1, true);
    }
  }

  /**
   * A new numbering for the client in {@code epoch}, in place of {@code old} (null for none), whose
   * held events are handed over first. Hold this object's lock.
   */
  private Seq replace(
      Seq old, String userId, String clientId, String epoch, long handled, boolean guessed) {
    if (old != null) {
      old.flush("a new client epoch");
    }
    Seq seq = new Seq(userId, clientId, epoch, handled, guessed);
    seqs.put(key(userId, clientId), seq);
    return seq;
  }

  /** How many clients' numbering is kept. */
  synchronized int size() {
    return seqs.size();
  }

  private Seq lookUp(String userId, String clientId) {
    long now = clock.getAsLong();
    Iterator<Seq> oldest = seqs.values().iterator();
    while (oldest.hasNext()) {
      Seq s = oldest.next();
      if (seqs.size() <= maxClients && now - s.seen() < maxAgeMillis) {
        break;
      }
      oldest.remove();
    }
    return seqs.get(key(userId, clientId));
  }

  private static String key(String userId, String clientId) {
    return (userId == null ? "" : userId.length() + ":" + userId) + "/" + clientId;
  }

  /**
   * A client sequence number as sent, in a frame's meta or a query parameter: a whole number from 1
   * that fits a long, or -1.
   */
  static long number(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      long n = ((Number) value).longValue();
      return n >= 1 ? n : -1;
    }
    if (value instanceof BigInteger big && big.signum() > 0 && big.bitLength() < 64) {
      return big.longValue();
    }
    if (value instanceof String s && !s.isEmpty() && s.length() <= 19) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) < '0' || s.charAt(i) > '9') {
          return -1;
        }
      }
      try {
        long n = Long.parseLong(s);
        return n >= 1 ? n : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** A client epoch as sent: 1 to 64 letters, digits, '-' or '_'; null otherwise. */
  static String epoch(String value) {
    if (value == null || value.isEmpty() || value.length() > 64) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return null;
      }
    }
    return value;
  }

  /** One client's numbering in one epoch. Guarded by itself. */
  final class Seq {
    private final String userId;
    private final String clientId;
    final String epoch;

    /** The highest number handed to the handlers; -1 until the first event sets it. */
    private long handled;

    /** Set without a handshake: the first event seen set the count, earlier ones may still come. */
    private boolean guessed;

    private final TreeMap<Long, Held> held = new TreeMap<>();
    private Cancellable holdTimer;
    private volatile long seen;
    private long duplicates;

    private record Held(Message message, Sink sink) {}

    private Seq(String userId, String clientId, String epoch, long handled, boolean guessed) {
      this.userId = userId;
      this.clientId = clientId;
      this.epoch = epoch;
      this.handled = handled;
      this.guessed = guessed;
      this.seen = clock.getAsLong();
    }

    long seen() {
      return seen;
    }

    /** A handshake of this epoch: the client sends nothing below {@code from} any more. */
    private synchronized void placed(long from) {
      seen = clock.getAsLong();
      while (!held.isEmpty() && held.firstKey() < from) {
        Held early = held.pollFirstEntry().getValue(); // waited, and the client counts it sent
        early.sink.force(early.message);
      }
      if (handled < from - 1) {
        handled = from - 1;
      }
      release();
      guessed = false;
    }

    /** The highest number handled so far (0 for none): what the handshake and pongs confirm. */
    synchronized long handled() {
      return Math.max(0, handled);
    }

    /** How many duplicates were dropped. */
    synchronized long duplicates() {
      return duplicates;
    }

    /** Hands a numbered event over in its turn; see {@link Outcome}. */
    synchronized Outcome accept(long cseq, Message message, Sink sink) {
      seen = clock.getAsLong();
      if (handled < 0) {
        handled = cseq - 1;
      }
      if (cseq <= handled) {
        if (guessed) {
          // no handshake placed the count: this one was sent before the first one seen
          sink.force(message);
          return Outcome.HANDLED;
        }
        duplicates++;
        return Outcome.DUPLICATE;
      }
      if (cseq == handled + 1) {
        if (!sink.offer(message)) {
          return Outcome.REFUSED;
        }
        handled = cseq;
        release();
        return Outcome.HANDLED;
      }
      if (held.containsKey(cseq)) {
        duplicates++;
        return Outcome.DUPLICATE;
      }
      if (held.size() >= maxHeld) {
        if (sink.refusable()) {
          return Outcome.REFUSED;
        }
        skipGaps("more than " + maxHeld + " events waited");
        return accept(cseq, message, sink);
      }
      held.put(cseq, new Held(message, sink));
      if (holdTimer == null) {
        holdTimer = scheduler.schedule(HOLD_MILLIS, this::holdExpired);
      }
      return Outcome.HELD;
    }

    private synchronized void holdExpired() {
      holdTimer = null;
      if (!held.isEmpty()) {
        skipGaps("the missing ones did not come within " + HOLD_MILLIS + " ms");
      }
    }

    /** Hands over what waits, gaps and all: the epoch is over. */
    synchronized void flush(String why) {
      if (!held.isEmpty()) {
        skipGaps(why);
      }
    }

    /** Hands over the held events that follow what was handled, in order. */
    private void release() {
      while (!held.isEmpty() && held.firstKey() == handled + 1) {
        Held next = held.pollFirstEntry().getValue();
        next.sink.force(next.message);
        handled++;
      }
      if (held.isEmpty() && holdTimer != null) {
        holdTimer.cancel();
        holdTimer = null;
      }
    }

    private void skipGaps(String why) {
      long missing = 0;
      long from = handled + 1;
      while (!held.isEmpty()) {
        long first = held.firstKey();
        missing += first - handled - 1;
        handled = first - 1;
        release();
      }
      guessed = false;
      long skipped = gapLog.acquire();
      if (skipped >= 0) {
        LOG.warn(
            "Client {} of user {}: {} event(s) numbered from {} never came ({}); handed the later"
                + " ones to the handlers{}",
            safe(clientId),
            safe(userId),
            missing,
            from,
            why,
            LogLimiter.note(skipped));
      }
    }
  }
}
