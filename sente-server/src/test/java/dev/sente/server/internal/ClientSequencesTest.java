package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import dev.sente.server.Transport;
import dev.sente.server.internal.ClientSequences.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The numbering of client events: once each, in order, bounded waits, epochs, expiry. */
class ClientSequencesTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<Integer> handled = new ArrayList<>();
  private boolean full;

  private final ClientSequences.Sink sink =
      new ClientSequences.Sink() {
        @Override
        public boolean offer(Message message) {
          if (full) {
            return false;
          }
          force(message);
          return true;
        }

        @Override
        public void force(Message message) {
          handled.add((Integer) message.event().data());
        }
      };

  private ClientSequences sequences(int maxHeld, int maxClients) {
    return new ClientSequences(clock::nowMillis, clock, 120_000, maxHeld, maxClients);
  }

  private static Message event(int n) {
    return new Message(new Event("x/n", n), "alice", "c1", null, Transport.AJAX, null, null);
  }

  private Outcome accept(ClientSequences.Seq seq, int n) {
    return seq.accept(n, event(n), sink);
  }

  @Test
  void handsEventsOverOnceEachInOrderWhateverOrderTheyCameIn() {
    ClientSequences.Seq seq = sequences(32, 100).attach("alice", "c1", "E1", 1);
    assertThat(accept(seq, 1)).isEqualTo(Outcome.HANDLED);
    assertThat(accept(seq, 3)).isEqualTo(Outcome.HELD);
    assertThat(accept(seq, 4)).isEqualTo(Outcome.HELD);
    assertThat(accept(seq, 3)).isEqualTo(Outcome.DUPLICATE);
    assertThat(handled).containsExactly(1);
    assertThat(accept(seq, 2)).isEqualTo(Outcome.HANDLED);
    assertThat(handled).containsExactly(1, 2, 3, 4);
    assertThat(accept(seq, 2)).isEqualTo(Outcome.DUPLICATE);
    assertThat(accept(seq, 1)).isEqualTo(Outcome.DUPLICATE);
    assertThat(seq.handled()).isEqualTo(4);
    assertThat(seq.duplicates()).isEqualTo(3);
    assertThat(clock.pending()).as("no hold timer left").isZero();
  }

  @Test
  void aReconnectOfTheSameEpochKeepsWhatWasHandledAndDropsTheResentDuplicates() {
    ClientSequences sequences = sequences(32, 100);
    ClientSequences.Seq seq = sequences.attach("alice", "c1", "E1", 1);
    accept(seq, 1);
    accept(seq, 2);
    ClientSequences.Seq again = sequences.attach("alice", "c1", "E1", 2);
    assertThat(again).isSameAs(seq);
    assertThat(again.handled()).isEqualTo(2);
    assertThat(accept(again, 2)).isEqualTo(Outcome.DUPLICATE);
    assertThat(accept(again, 3)).isEqualTo(Outcome.HANDLED);
    assertThat(handled).containsExactly(1, 2, 3);
  }

  @Test
  void aNewEpochStartsAgainFromWhatItsHandshakeSays() {
    ClientSequences sequences = sequences(32, 100);
    ClientSequences.Seq seq = sequences.attach("alice", "c1", "E1", 1);
    accept(seq, 1);
    accept(seq, 2);
    ClientSequences.Seq fresh = sequences.attach("alice", "c1", "E2", 1);
    assertThat(fresh).isNotSameAs(seq);
    assertThat(fresh.handled()).isZero();
    assertThat(accept(fresh, 1)).isEqualTo(Outcome.HANDLED);
    // a server that never saw the client: what it sends from cfrom on is new
    ClientSequences.Seq late = sequences(32, 100).attach("alice", "c1", "E3", 40);
    assertThat(late.handled()).isEqualTo(39);
    assertThat(accept(late, 40)).isEqualTo(Outcome.HANDLED);
    assertThat(handled).containsExactly(1, 2, 1, 40);
  }

  @Test
  void aMissingEventIsWaitedForAtMostTheHoldTimeThenTheGapIsSkipped() {
    ClientSequences.Seq seq = sequences(32, 100).attach("alice", "c1", "E1", 1);
    accept(seq, 1);
    accept(seq, 3);
    accept(seq, 5);
    clock.advance(ClientSequences.HOLD_MILLIS - 1);
    assertThat(handled).containsExactly(1);
    clock.advance(1);
    assertThat(handled).containsExactly(1, 3, 5);
    assertThat(seq.handled()).isEqualTo(5);
    assertThat(accept(seq, 2)).as("too late: counted as handled").isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void atMostMaxHeldWait() {
    ClientSequences.Seq seq = sequences(2, 100).attach("alice", "c1", "E1", 1);
    accept(seq, 3);
    accept(seq, 4);
    assertThat(handled).isEmpty();
    assertThat(accept(seq, 6)).isEqualTo(Outcome.HELD); // the two waiting went first
    assertThat(handled).containsExactly(3, 4);
    clock.advance(ClientSequences.HOLD_MILLIS);
    assertThat(handled).containsExactly(3, 4, 6);
  }

  @Test
  void aRefusedTurnIsNotHandledAndCanBeSentAgain() {
    ClientSequences.Seq seq = sequences(32, 100).attach("alice", "c1", "E1", 1);
    full = true;
    assertThat(accept(seq, 1)).isEqualTo(Outcome.REFUSED);
    assertThat(seq.handled()).isZero();
    full = false;
    assertThat(accept(seq, 1)).isEqualTo(Outcome.HANDLED);
    assertThat(handled).containsExactly(1);
  }

  @Test
  void withoutAHandshakeTheFirstEventSetsTheCountAndEarlierOnesAreStillHandled() {
    ClientSequences sequences = sequences(32, 100);
    ClientSequences.Seq seq = sequences.find("alice", "c1", "E1");
    assertThat(accept(seq, 7)).isEqualTo(Outcome.HANDLED);
    assertThat(accept(seq, 6)).isEqualTo(Outcome.HANDLED); // overtaken by 7, not lost
    assertThat(accept(seq, 8)).isEqualTo(Outcome.HANDLED);
    assertThat(sequences.find("alice", "c1", "E1")).isSameAs(seq);
    assertThat(handled).containsExactly(7, 6, 8);
    sequences.attach("alice", "c1", "E1", 9); // the handshake places it: duplicates are dropped
    assertThat(accept(seq, 8)).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void clientsAreKeptPerUserForTheWindowAndAtMostMaxClients() {
    ClientSequences sequences = sequences(32, 2);
    ClientSequences.Seq alice = sequences.attach("alice", "c1", "E1", 1);
    assertThat(sequences.attach("bob", "c1", "E1", 1)).isNotSameAs(alice);
    assertThat(sequences.attach(null, "c1", "E1", 1)).isNotSameAs(alice);
    assertThat(sequences.size()).isLessThanOrEqualTo(3);
    sequences.attach("carol", "c1", "E1", 1);
    assertThat(sequences.size()).isLessThanOrEqualTo(3);
    assertThat(sequences.attach("alice", "c1", "E1", 1)).as("the oldest went").isNotSameAs(alice);

    ClientSequences aging = sequences(32, 100);
    ClientSequences.Seq seen = aging.attach("alice", "c1", "E1", 1);
    clock.advance(120_000);
    aging.attach("bob", "c1", "E1", 1);
    assertThat(aging.size()).isEqualTo(1);
    assertThat(aging.attach("alice", "c1", "E1", 1)).isNotSameAs(seen);
  }

  @Test
  void readsNumbersAndEpochsStrictly() {
    assertThat(ClientSequences.number(5)).isEqualTo(5);
    assertThat(ClientSequences.number(5L)).isEqualTo(5);
    assertThat(ClientSequences.number("12")).isEqualTo(12);
    assertThat(ClientSequences.number(java.math.BigInteger.valueOf(9))).isEqualTo(9);
    for (Object bad :
        new Object[] {0, -1, "0", "-3", "1e3", "", "99999999999999999999", 1.5, "x", null}) {
      assertThat(ClientSequences.number(bad)).as("%s", bad).isEqualTo(-1);
    }
    assertThat(ClientSequences.epoch("Zk3q9x_T-b")).isEqualTo("Zk3q9x_T-b");
    for (String bad : new String[] {null, "", "a b", "é", "x".repeat(65), "a/b"}) {
      assertThat(ClientSequences.epoch(bad)).as("%s", bad).isNull();
    }
  }
}
