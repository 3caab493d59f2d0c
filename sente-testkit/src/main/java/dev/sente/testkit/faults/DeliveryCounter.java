package dev.sente.testkit.faults;

import dev.sente.client.SenteClient;
import dev.sente.server.SenteServer;
import java.util.BitSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts what arrived of a stream of numbered events ({@code seq} 1..N, see {@link #numbered}), in
 * the order they arrived, and reports exactly how many were lost, duplicated and reordered. One
 * counter per receiver: a client's pushes ({@link #onClient}), or a server's events from clients
 * ({@link #onServer}). A {@link SteadySender} produces the stream.
 *
 * <pre>{@code
 * DeliveryCounter alice = DeliveryCounter.onClient(aliceClient, "test/seq");
 * try (SteadySender pushes = SteadySender.pushing(sente, "alice", "test/seq", 1_000, 200)) {
 *   proxy.cut();
 *   pushes.awaitDone(Duration.ofSeconds(30));
 * }
 * await().until(() -> alice.distinct() == 1_000);
 * assertThat(alice.report(1_000).perfect()).isTrue();   // 0 lost, 0 duplicated, 0 reordered
 * }</pre>
 *
 * <p>The arithmetic, for {@code expected} events numbered 1..N:
 *
 * <ul>
 *   <li><b>lost</b>: numbers in 1..N that never arrived;
 *   <li><b>duplicated</b>: arrivals of a number that had arrived already (each extra copy counts);
 *   <li><b>reordered</b>: first arrivals of a number lower than the highest number arrived before
 *       it (RFC 4737's definition: it came after a later event), so "1 3 2" has one, "3 1 2" two;
 *   <li><b>unexpected</b>: distinct numbers outside 1..N (a bug in the test or the transport).
 * </ul>
 *
 * Thread-safe.
 */
public final class DeliveryCounter {

  /** The data key of the number: {@code {"seq": n}}. */
  public static final String SEQ = "seq";

  private final BitSet seen = new BitSet();
  private long arrivals;
  private long duplicated;
  private long reordered;
  private long highest;
  private long malformed;

  /** A counter fed by hand with {@link #received(long)}. */
  public DeliveryCounter() {}

  /** The data of event number {@code seq}: {@code {"seq": seq}}. */
  public static Map<String, Object> numbered(long seq) {
    return Map.of(SEQ, seq);
  }

  /**
   * The number in an event's data: {@code {"seq": n}} (a string or keyword key, as the packer read
   * it) or a bare number; empty when there is none.
   */
  public static Optional<Long> seqOf(Object data) {
    if (data instanceof Number number) {
      return Optional.of(number.longValue());
    }
    if (data instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if ((key.equals(SEQ) || key.equals(":" + SEQ)) && entry.getValue() instanceof Number n) {
          return Optional.of(n.longValue());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Counts the numbered pushes a client receives with the event id (the client's handler of that
   * id: register no other one).
   */
  public static DeliveryCounter onClient(SenteClient client, String eventId) {
    DeliveryCounter counter = new DeliveryCounter();
    client.on(eventId, event -> counter.receivedData(event.data().orElse(null)));
    return counter;
  }

  /**
   * Counts the numbered events a server receives with the event id, from every client (the server's
   * handler of that id: register no other one).
   */
  public static DeliveryCounter onServer(SenteServer sente, String eventId) {
    DeliveryCounter counter = new DeliveryCounter();
    sente.on(eventId, msg -> counter.receivedData(msg.data().orElse(null)));
    return counter;
  }

  /** Records the arrival of an event's data; data without a number counts as malformed. */
  public void receivedData(Object data) {
    Optional<Long> seq = seqOf(data);
    if (seq.isPresent()) {
      received(seq.get());
    } else {
      synchronized (this) {
        malformed++;
      }
    }
  }

  /** Records the arrival of event number {@code seq}. */
  public synchronized void received(long seq) {
    arrivals++;
    if (seq < 1 || seq > Integer.MAX_VALUE) {
      malformed++;
      return;
    }
    int index = (int) seq;
    if (seen.get(index)) {
      duplicated++;
      return;
    }
    seen.set(index);
    if (seq < highest) {
      reordered++;
    } else {
      highest = seq;
    }
  }

  /** How many events arrived, copies included. */
  public synchronized long arrivals() {
    return arrivals;
  }

  /** How many distinct numbers arrived. */
  public synchronized int distinct() {
    return seen.cardinality();
  }

  /** The highest number arrived so far, 0 before any. */
  public synchronized long highest() {
    return highest;
  }

  /** Forgets everything. */
  public synchronized void clear() {
    seen.clear();
    arrivals = 0;
    duplicated = 0;
    reordered = 0;
    highest = 0;
    malformed = 0;
  }

  /** The counts for a stream numbered 1..expected. */
  public synchronized Report report(long expected) {
    if (expected < 0 || expected > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("expected must be 0 to 2^31-2: " + expected);
    }
    int inRange = seen.get(1, (int) expected + 1).cardinality();
    long unexpected = seen.cardinality() - inRange + malformed;
    return new Report(
        expected, arrivals, inRange, expected - inRange, duplicated, reordered, unexpected);
  }

  /**
   * What arrived of a stream numbered 1..expected.
   *
   * @param expected how many events were sent (numbered 1..expected)
   * @param arrivals how many events arrived, copies and unexpected ones included
   * @param delivered how many distinct numbers in 1..expected arrived
   * @param lost how many numbers in 1..expected never arrived
   * @param duplicated how many arrivals were copies of an earlier one
   * @param reordered how many first arrivals came after a higher number
   * @param unexpected distinct numbers outside 1..expected, and data without a number
   */
  public record Report(
      long expected,
      long arrivals,
      long delivered,
      long lost,
      long duplicated,
      long reordered,
      long unexpected) {

    /** Nothing lost, duplicated, reordered or unexpected. */
    public boolean perfect() {
      return lost == 0 && duplicated == 0 && reordered == 0 && unexpected == 0;
    }

    @Override
    public String toString() {
      return Objects.toString(lost)
          + " lost, "
          + duplicated
          + " duplicated, "
          + reordered
          + " reordered of "
          + expected
          + (unexpected > 0 ? " (" + unexpected + " unexpected)" : "");
    }
  }
}
