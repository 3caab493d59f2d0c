package dev.sente.demo;

import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The other direction of "Count to 500": the page sends numbered events and the server counts what
 * its handler got, so a page can break its connection meanwhile and see that nothing it sent was
 * lost, handled twice or reordered.
 *
 * <ul>
 *   <li>{@code demo/tally-reset} {@code {n}}: starts a new tally of {@code n} events (1 to {@value
 *       #MAX_TALLY}) for the sender's user; replies with {@code n}, or {@code {error}}.
 *   <li>{@code demo/tally} {@code {i}} (no reply): one numbered event, {@code 0 <= i < n}; the user
 *       gets {@code demo/tally-state} {@code {n, received, repeated, outOfOrder, missing}} after
 *       each ({@code missing}: numbers below the highest one received that were not received).
 * </ul>
 *
 * <p>One tally per user, at most {@value #MAX_USERS} users (the least recently reset go first).
 */
final class DemoTally {

  static final int MAX_TALLY = 10_000;
  static final int MAX_USERS = 1_000;

  /** What the server pushes after each event. */
  record State(int n, int received, int repeated, int outOfOrder, int missing) {}

  private static final class Tally {
    final int n;
    final BitSet seen;
    int received;
    int repeated;
    int outOfOrder;
    int highest = -1;

    Tally(int n) {
      this.n = n;
      this.seen = new BitSet(n);
    }

    State add(int i) {
      received++;
      if (seen.get(i)) {
        repeated++;
      } else {
        seen.set(i);
      }
      if (i < highest) {
        outOfOrder++;
      }
      highest = Math.max(highest, i);
      int missing = highest + 1 - seen.cardinality();
      return new State(n, received, repeated, outOfOrder, missing);
    }
  }

  private final Map<String, Tally> tallies =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
          return size() > MAX_USERS;
        }
      }; // guarded by itself

  private volatile SenteServer sente;

  void attach(SenteServer server) {
    this.sente = server;
    server.on("demo/tally-reset", this::reset);
    server.on("demo/tally", this::add);
  }

  private void reset(EventMessage msg) {
    int n = number(msg, "n");
    if (n < 1 || n > MAX_TALLY) {
      msg.reply(Map.of("error", "demo/tally-reset needs {n: 1.." + MAX_TALLY + "}"));
      return;
    }
    synchronized (tallies) {
      tallies.remove(msg.userId());
      tallies.put(msg.userId(), new Tally(n));
    }
    msg.reply(n);
  }

  private void add(EventMessage msg) {
    int i = number(msg, "i");
    State state;
    synchronized (tallies) {
      Tally tally = tallies.get(msg.userId());
      if (tally == null || i < 0 || i >= tally.n) {
        return; // no tally started, or a number outside it: nothing to count
      }
      state = tally.add(i);
    }
    sente.send(msg.userId(), "demo/tally-state", state);
  }

  private static int number(EventMessage msg, String key) {
    return msg.data().orElse(null) instanceof Map<?, ?> map
            && map.get(key) instanceof Number x
            && x.doubleValue() == x.intValue()
        ? x.intValue()
        : -1;
  }
}
