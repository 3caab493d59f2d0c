package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node's copy of a cluster's shared log in its {@link DeliveryLog} ({@link SharedCopy}): events
 * numbered elsewhere land once and in order whatever path brings them, a copy made before a cursor
 * opens takes the shared epoch and numbers, older events go before the oldest, and a new epoch or a
 * jump is a gap of unknown size for the cursors, never a silent one.
 */
class SharedStreamTest {
  private final ManualScheduler time = new ManualScheduler();
  private final DeliveryLog log = new DeliveryLog(time::nowMillis, 120_000, 10_000, 100_000);
  private final SharedCopy copy = new SharedCopy(log);

  private static List<Event> events(int from, int to) {
    List<Event> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(Event.of("t/e", i));
    }
    return out;
  }

  private static int[] sizes(int n) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, 10);
    return out;
  }

  private static List<Object> data(ReadResult result) {
    assertThat(result).isInstanceOf(ReadResult.Batch.class);
    List<Object> out = new ArrayList<>();
    for (Event e : ((ReadResult.Batch) result).events()) {
      out.add(e.data());
    }
    return out;
  }

  @Test
  void aCopyTakesTheSharedEpochAndNumbersAndAppliesOnlyWhatFollowsItsLast() {
    Cursor pin = copy.openShared("alice", "EPOCH-01", 6, events(6, 8), sizes(3), null, true);
    assertThat(log.epoch("alice")).isEqualTo("EPOCH-01");
    assertThat(log.firstSeq("alice")).isEqualTo(6);
    assertThat(log.lastSeq("alice")).isEqualTo(8);
    AtomicInteger woken = new AtomicInteger();
    Cursor cursor = log.open("alice", woken::incrementAndGet, true);
    pin.close();
    assertThat(cursor.next(1000)).isInstanceOf(ReadResult.UpToDate.class); // armed at 8

    assertThat(copy.appendNumbered("alice", "EPOCH-01", 7, events(7, 9), sizes(3)))
        .as("overlapping: only 9 is new")
        .isEqualTo(SharedCopy.Numbered.APPENDED);
    assertThat(woken).hasValue(1);
    assertThat(data(cursor.next(1000))).containsExactly(9);
    assertThat(copy.appendNumbered("alice", "EPOCH-01", 8, events(8, 9), sizes(2)))
        .isEqualTo(SharedCopy.Numbered.DUPLICATE);
    assertThat(copy.appendNumbered("alice", "EPOCH-01", 11, events(11, 11), sizes(1)))
        .as("10 is missing")
        .isEqualTo(SharedCopy.Numbered.HOLE);
    assertThat(copy.appendNumbered("alice", "OTHER-01", 10, events(10, 10), sizes(1)))
        .isEqualTo(SharedCopy.Numbered.OTHER_EPOCH);
    assertThat(copy.appendNumbered("bob", "EPOCH-01", 1, events(1, 1), sizes(1)))
        .as("never creates a stream")
        .isEqualTo(SharedCopy.Numbered.NO_STREAM);
    assertThat(log.hasStream("bob")).isFalse();
    assertThat(log.lastSeq("alice")).isEqualTo(9);
    assertThat(cursor.next(1000)).isInstanceOf(ReadResult.UpToDate.class);
  }

  @Test
  void aCursorLostInARestartThatFallsBehindTheWindowBeforeItReadsStartsAtTheOldestKept() {
    Cursor pin = copy.openShared("alice", "EPOCH-01", 1, events(1, 3), sizes(3), null, true);
    Cursor cursor = log.open("alice", () -> {}, true);
    pin.close();
    assertThat(cursor.next(100_000)).isInstanceOf(ReadResult.UpToDate.class);
    // the shared log is away: the copy goes on in an epoch of its own, and under a push storm
    // more than the window (10,000 bytes: 1,000 events) arrives before the cursor reads again
    assertThat(copy.appendLocal("alice", events(1, 2_500), sizes(2_500))).isTrue();
    long first = log.firstSeq("alice");
    assertThat(first).as("the oldest were trimmed").isGreaterThan(1);
    ReadResult read = cursor.next(100_000);
    assertThat(read).isInstanceOf(ReadResult.Batch.class);
    ReadResult.Batch batch = (ReadResult.Batch) read;
    assertThat(batch.gap()).as("a gap of unknown size").isNull();
    assertThat(batch.firstSeq()).isEqualTo(first);
    assertThat(batch.events()).doesNotContainNull().isNotEmpty();
    assertThat(batch.lastSeq()).isEqualTo(first + batch.events().size() - 1);
  }

  @Test
  void olderEventsTheCopyLacksGoBeforeItsOldestForAClientFurtherBehind() {
    Cursor first = copy.openShared("alice", "EPOCH-01", 11, events(11, 12), sizes(2), null, true);
    // a second client, at 7, opens on this node: the shared log still has 8..12
    Cursor pin = copy.openShared("alice", "EPOCH-01", 8, events(8, 12), sizes(5), null, true);
    Cursor behind = log.open("alice", null, true);
    pin.close();
    assertThat(behind.resume("EPOCH-01", 7).recovered()).isTrue();
    assertThat(data(behind.next(1000))).containsExactly(8, 9, 10, 11, 12);
    assertThat(log.firstSeq("alice")).isEqualTo(8);
    assertThat(first.next(1000))
        .as("the first client stays where it was")
        .isInstanceOf(ReadResult.UpToDate.class);
  }

  @Test
  void aNewEpochStartsTheCopyAgainAndItsCursorsAreToldOfAGapOfUnknownSize() {
    Cursor pin = copy.openShared("alice", "EPOCH-01", 1, events(1, 3), sizes(3), null, true);
    AtomicInteger woken = new AtomicInteger();
    Cursor cursor = log.open("alice", woken::incrementAndGet, true);
    pin.close();
    assertThat(cursor.next(1000)).isInstanceOf(ReadResult.UpToDate.class);

    assertThat(copy.syncShared("alice", "EPOCH-02", 1, events(101, 102), sizes(2))).isTrue();
    assertThat(woken).as("the armed cursor is woken").hasValue(1);
    assertThat(log.epoch("alice")).isEqualTo("EPOCH-02");
    ReadResult.Batch batch = (ReadResult.Batch) cursor.next(1000);
    assertThat(batch.gap()).as("unknown").isNull();
    assertThat(batch.hasGap()).isTrue();
    assertThat(batch.epoch()).isEqualTo("EPOCH-02");
    assertThat(data(batch)).containsExactly(101, 102);
    assertThat(cursor.next(1000)).isInstanceOf(ReadResult.UpToDate.class);
    assertThat(log.stats().bytes()).as("the old epoch's bytes are given back").isEqualTo(20);
    assertThat(copy.syncShared("nobody", "EPOCH-02", 1, events(1, 1), sizes(1))).isFalse();
  }

  @Test
  void whileTheSharedLogIsAwayTheNodesOwnPushesReachItsClientsInAnEpochOfItsOwn() {
    Cursor pin = copy.openShared("alice", "EPOCH-01", 1, events(1, 2), sizes(2), null, true);
    AtomicInteger woken = new AtomicInteger();
    Cursor cursor = log.open("alice", woken::incrementAndGet, true);
    pin.close();
    assertThat(cursor.next(1000)).isInstanceOf(ReadResult.UpToDate.class);

    assertThat(copy.appendLocal("alice", events(50, 51), sizes(2))).isTrue();
    assertThat(woken).hasValue(1);
    assertThat(copy.hasLocalEpoch("alice")).isTrue();
    String local = log.epoch("alice");
    assertThat(local).isNotEqualTo("EPOCH-01");
    ReadResult.Batch first = (ReadResult.Batch) cursor.next(1000);
    assertThat(first.gap()).as("a new epoch: a gap of unknown size").isNull();
    assertThat(first.hasGap()).isTrue();
    assertThat(first.epoch()).isEqualTo(local);
    assertThat(data(first)).containsExactly(50, 51);
    assertThat(copy.appendLocal("alice", events(52, 52), sizes(1))).isTrue();
    ReadResult.Batch next = (ReadResult.Batch) cursor.next(1000);
    assertThat(next.hasGap()).as("the same local epoch goes on").isFalse();
    assertThat(data(next)).containsExactly(52);

    // the shared log is back, at its event 3: the copy follows it again
    assertThat(copy.syncShared("alice", "EPOCH-01", 3, events(3, 3), sizes(1))).isTrue();
    assertThat(copy.hasLocalEpoch("alice")).isFalse();
    ReadResult.Batch back = (ReadResult.Batch) cursor.next(1000);
    assertThat(back.epoch()).isEqualTo("EPOCH-01");
    assertThat(back.gap()).isNull();
    assertThat(data(back)).containsExactly(3);
    assertThat(copy.appendLocal("nobody", events(1, 1), sizes(1))).isFalse();
    assertThat(log.hasStream("nobody")).isFalse();
  }
}
