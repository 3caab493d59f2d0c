package dev.sente.client.internal;

import dev.sente.core.Event;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The other direction of resume (docs/protocol.md, "Events a client sends"): while the server
 * grants it, every event sent without a reply is numbered ({@code cseq}, from 1, in this client's
 * {@code cepoch}) and kept until the server confirms it (a POST's answer, a pong's or a handshake's
 * {@code cseq}); after a reconnect the unconfirmed ones are sent again, in order, and the server
 * hands each to its handlers once. Guarded by the client's lock.
 */
final class Outbox {

  /** At most this many numbered events wait for their confirmation; a send beyond is refused. */
  static final int MAX_UNCONFIRMED = 1000;

  /** A WebSocket asks what the server handled (a ping) after this many numbered sends. */
  static final int CONFIRM_EVERY = 100;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  /** A numbered event. */
  record Numbered(long cseq, Event event) {}

  private final String epoch = newEpoch();
  private final LinkedHashMap<Long, Event> unconfirmed = new LinkedHashMap<>();
  private long next = 1;
  private boolean granted;
  private int sinceAsked;

  private static String newEpoch() {
    char[] out = new char[12];
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** This client's epoch. */
  String epoch() {
    return epoch;
  }

  /** What a handshake request carries: the epoch and the lowest number that may still be sent. */
  void addQuery(Map<String, String> query) {
    query.put("cepoch", epoch);
    query.put("cfrom", Long.toString(lowestUnconfirmed()));
  }

  private long first() {
    return unconfirmed.keySet().iterator().next();
  }

  /**
   * A handshake arrived: numbering is on when it granted resume with a {@code cseq} (what the
   * server handled of this epoch). Returns what must be sent again, in order: the unconfirmed
   * events after {@code cseq}, numbered; without numbering, every unconfirmed event once more,
   * unnumbered (the server can no longer tell duplicates apart).
   */
  List<Numbered> handshake(boolean resumeGranted, long confirmed) {
    granted = resumeGranted && confirmed >= 0;
    if (granted) {
      confirmUpTo(confirmed);
    }
    List<Numbered> again = new ArrayList<>(unconfirmed.size());
    for (Map.Entry<Long, Event> e : unconfirmed.entrySet()) {
      again.add(new Numbered(granted ? e.getKey() : 0, e.getValue()));
    }
    if (!granted) {
      unconfirmed.clear();
    }
    sinceAsked = 0;
    return again;
  }

  /**
   * Numbers an event about to be sent: its {@code cseq}; 0 when numbering is off; -1 when {@link
   * #MAX_UNCONFIRMED} already wait (the send is refused).
   */
  long number(Event event) {
    if (!granted) {
      return 0;
    }
    if (unconfirmed.size() >= MAX_UNCONFIRMED) {
      return -1;
    }
    long n = next++;
    unconfirmed.put(n, event);
    sinceAsked++;
    return n;
  }

  /** The last number given could not be sent after all: it is taken back. */
  void unnumber(long cseq) {
    if (cseq > 0 && cseq == next - 1) {
      unconfirmed.remove(cseq);
      next--;
      sinceAsked = Math.max(0, sinceAsked - 1);
    }
  }

  /** True once every {@link #CONFIRM_EVERY} numbered sends: time to ask what was handled. */
  boolean wantsConfirmation() {
    if (sinceAsked < CONFIRM_EVERY) {
      return false;
    }
    sinceAsked = 0;
    return true;
  }

  /** The server handled every number up to {@code handled}. */
  void confirmUpTo(long handled) {
    Iterator<Long> it = unconfirmed.keySet().iterator();
    while (it.hasNext() && it.next() <= handled) {
      it.remove();
    }
  }

  /** The server has this one (a POST's answer). */
  void confirm(long cseq) {
    unconfirmed.remove(cseq);
  }

  /** The event numbered {@code cseq} while it is unconfirmed, else null. */
  Event unconfirmed(long cseq) {
    return unconfirmed.get(cseq);
  }

  /** The lowest unconfirmed number, or the next one when all are confirmed. */
  long lowestUnconfirmed() {
    return unconfirmed.isEmpty() ? next : first();
  }

  /** How many numbered events wait for their confirmation. */
  int unconfirmedCount() {
    return unconfirmed.size();
  }
}
