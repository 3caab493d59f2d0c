package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveryLogTest {
  private static final long AGE = 120_000;
  private final ManualScheduler time = new ManualScheduler();
  private DeliveryLog log = new DeliveryLog(time::nowMillis, AGE, 1000, 10_000);

  private static Event ev(int n) {
    return Event.of("t/e", n);
  }

  private static List<Object> data(ReadResult result) {
    List<Object> out = new ArrayList<>();
    for (Event e : ((ReadResult.Batch) result).events()) {
      out.add(e.data());
    }
    return out;
  }

  @Test
  void eachUsersEventsAreNumberedFromOneInOrder() {
    assertThat(log.append("alice", ev(1), 10)).isEqualTo(1);
    assertThat(log.append("alice", List.of(ev(2), ev(3)), new int[] {10, 10})).isEqualTo(3);
    assertThat(log.append("bob", ev(1), 10)).isEqualTo(1);
    assertThat(log.append("alice", List.of(), new int[0])).isEqualTo(3);
    assertThat(log.lastSeq("alice")).isEqualTo(3);
    assertThat(log.lastSeq("nobody")).isZero();

    String alice = log.epoch("alice");
    String bob = log.epoch("bob");
    assertThat(alice).matches("[A-Za-z0-9_-]{8}");
    assertThat(bob).matches("[A-Za-z0-9_-]{8}").isNotEqualTo(alice);
    assertThat(log.epoch("nobody")).isNull();

    ReadResult all = log.read("alice", alice, 0, Long.MAX_VALUE);
    assertThat(all).isInstanceOf(ReadResult.Batch.class);
    ReadResult.Batch batch = (ReadResult.Batch) all;
    assertThat(batch.firstSeq()).isEqualTo(1);
    assertThat(batch.lastSeq()).isEqualTo(3);
    assertThat(batch.missed()).isZero();
    assertThat(batch.bytes()).isEqualTo(30);
    assertThat(data(batch)).containsExactly(1, 2, 3);
    assertThat(log.stats().appended()).isEqualTo(4);
  }

  @Test
  void aReadGivesExactlyTheEventsAfterTheCursorWithinItsBudget() {
    for (int i = 1; i <= 5; i++) {
      log.append("u", ev(i), 10 * i);
    }
    String epoch = log.epoch("u");
    ReadResult.Batch after2 = (ReadResult.Batch) log.read("u", epoch, 2, Long.MAX_VALUE);
    assertThat(data(after2)).containsExactly(3, 4, 5);
    assertThat(after2.firstSeq()).isEqualTo(3);
    assertThat(after2.lastSeq()).isEqualTo(5);

    // the budget cuts the batch (30 + 40 = 70 fits, + 50 does not)
    ReadResult.Batch cut = (ReadResult.Batch) log.read("u", epoch, 2, 75);
    assertThat(data(cut)).containsExactly(3, 4);
    assertThat(cut.lastSeq()).isEqualTo(4);
    assertThat(cut.bytes()).isEqualTo(70);
    // at least one event, even over the budget
    ReadResult.Batch one = (ReadResult.Batch) log.read("u", epoch, 4, 1);
    assertThat(data(one)).containsExactly(5);

    assertThat(log.read("u", epoch, 5, 100)).isEqualTo(new ReadResult.UpToDate(epoch, 5));
    assertThat(log.stats().gapsReported()).isZero();
  }

  @Test
  void cursorsNotOfTheStreamAreUnknownGaps() {
    log.append("u", ev(1), 10);
    log.append("u", ev(2), 10);
    String epoch = log.epoch("u");
    ReadResult.Unknown unknown = new ReadResult.Unknown(epoch, 2);
    assertThat(log.read("u", "Other123", 1, 100)).isEqualTo(unknown);
    assertThat(log.read("u", null, 1, 100)).isEqualTo(unknown);
    assertThat(log.read("u", epoch, 3, 100)).isEqualTo(unknown);
    assertThat(log.read("u", epoch, -1, 100)).isEqualTo(unknown);
    assertThat(log.read("u", epoch, Long.MAX_VALUE, 100)).isEqualTo(unknown);
    assertThat(log.read("u", epoch, Long.MIN_VALUE, 100)).isEqualTo(unknown);
    assertThat(log.read("nobody", epoch, 1, 100)).isEqualTo(new ReadResult.Unknown(null, 0));
    assertThat(log.stats().gapsReported()).isEqualTo(7);
    assertThat(log.stats().streams()).as("a read never creates a stream").isEqualTo(1);
  }

  @Test
  void eventsAreKeptForTheirAgeAndACursorBehindGetsTheExactGap() {
    log.append("u", ev(1), 10);
    time.advance(60_000);
    log.append("u", ev(2), 10);
    log.append("u", ev(3), 10);
    String epoch = log.epoch("u");
    time.advance(59_999);
    assertThat(data(log.read("u", epoch, 0, 1000))).containsExactly(1, 2, 3);

    time.advance(1); // event 1 is 120 s old: gone
    ReadResult.Batch behind = (ReadResult.Batch) log.read("u", epoch, 0, 1000);
    assertThat(behind.missed()).isEqualTo(1);
    assertThat(behind.hasGap()).isTrue();
    assertThat(behind.firstSeq()).isEqualTo(2);
    assertThat(data(behind)).containsExactly(2, 3);
    assertThat(log.stats().trimmedByAge()).isEqualTo(1);
    assertThat(log.stats().bytes()).isEqualTo(20);
    // a cursor at the edge of the window is not behind
    assertThat(((ReadResult.Batch) log.read("u", epoch, 1, 1000)).missed()).isZero();

    time.advance(60_000); // everything gone; nothing after the gap
    ReadResult.Batch empty = (ReadResult.Batch) log.read("u", epoch, 1, 1000);
    assertThat(empty.missed()).isEqualTo(2);
    assertThat(empty.events()).isEmpty();
    assertThat(empty.firstSeq()).isEqualTo(4);
    assertThat(empty.lastSeq()).isEqualTo(3);
    assertThat(log.stats().trimmedByAge()).isEqualTo(3);
    assertThat(log.stats().bytes()).isZero();
    assertThat(log.stats().gapsReported()).isEqualTo(2);
    assertThat(log.stats().streams()).as("no events, no cursors: the stream left").isZero();
  }

  @Test
  void aUserIsKeptUnderItsByteBoundOldestFirstAndTheNewestAlwaysStays() {
    for (int i = 1; i <= 5; i++) {
      log.append("u", ev(i), 300);
    }
    String epoch = log.epoch("u");
    ReadResult.Batch kept = (ReadResult.Batch) log.read("u", epoch, 0, Long.MAX_VALUE);
    assertThat(data(kept)).containsExactly(3, 4, 5);
    assertThat(kept.missed()).isEqualTo(2);
    assertThat(log.stats().trimmedByUserBytes()).isEqualTo(2);
    assertThat(log.stats().bytes()).isEqualTo(900);

    log.append("u", ev(6), 5000); // alone over the bound: kept alone
    ReadResult.Batch big = (ReadResult.Batch) log.read("u", epoch, 0, Long.MAX_VALUE);
    assertThat(data(big)).containsExactly(6);
    assertThat(big.missed()).isEqualTo(5);
    assertThat(log.stats().bytes()).isEqualTo(5000);

    log.append("u", ev(7), 1); // the big one goes, the small newest stays
    assertThat(data(log.read("u", epoch, 0, Long.MAX_VALUE))).containsExactly(7);
    assertThat(log.stats().trimmedByUserBytes()).isEqualTo(6);
    assertThat(log.stats().bytes()).isEqualTo(1);
  }

  @Test
  void theTotalBoundEvictsTheOldestAcrossUsers() {
    log = new DeliveryLog(time::nowMillis, AGE, 2000, 2000);
    long bucket = AGE / LogWindow.BUCKETS_PER_WINDOW;
    log.append("a", ev(1), 500);
    log.append("a", ev(2), 500);
    time.advance(bucket);
    log.append("b", ev(1), 500);
    time.advance(bucket);
    log.append("c", ev(1), 500);
    assertThat(log.stats().bytes()).isEqualTo(2000);
    assertThat(log.stats().trimmedByTotalBytes()).isZero();

    time.advance(bucket);
    log.append("d", ev(1), 500); // a's oldest goes
    assertThat(log.stats().bytes()).isEqualTo(2000);
    assertThat(log.stats().trimmedByTotalBytes()).isEqualTo(1);
    ReadResult.Batch a = (ReadResult.Batch) log.read("a", log.epoch("a"), 0, 10_000);
    assertThat(a.missed()).isEqualTo(1);
    assertThat(data(a)).containsExactly(2);

    log.append("d", ev(2), 700); // a's last and then b's go (a leaves: no cursor)
    assertThat(log.stats().trimmedByTotalBytes()).isEqualTo(3);
    assertThat(log.stats().bytes()).isEqualTo(1700);
    assertThat(log.epoch("a")).isNull();
    assertThat(log.epoch("b")).isNull();
    assertThat(data(log.read("c", log.epoch("c"), 0, 10_000))).containsExactly(1);

    // an event as large as the whole total is kept alone, the rest of the log makes way
    log = new DeliveryLog(time::nowMillis, AGE, 5000, 5000);
    log.append("x", ev(1), 100);
    log.append("y", ev(1), 100);
    log.append("z", ev(1), 9000);
    assertThat(log.stats().bytes()).isEqualTo(9000);
    assertThat(log.stats().streams()).isEqualTo(1);
    assertThat(data(log.read("z", log.epoch("z"), 0, 10_000))).containsExactly(1);
  }

  @Test
  void aStreamReappendedInABucketTheTotalEmptiedCanStillBeEvicted() {
    log = new DeliveryLog(time::nowMillis, AGE, 1000, 1000);
    Cursor keep = log.open("a", null);
    log.append("a", ev(1), 600);
    log.append("b", ev(1), 600); // a emptied, its mark dropped; a stays (cursor)
    assertThat(log.lastSeq("a")).isEqualTo(1);
    log.append("a", ev(2), 600); // same bucket: a must be marked again
    assertThat(log.stats().bytes()).isEqualTo(600);
    assertThat(log.epoch("b")).isNull();
    log.append("c", ev(1), 600);
    assertThat(log.stats().bytes()).as("a's second event was evictable").isEqualTo(600);
    assertThat(keep.next(10_000)).isInstanceOf(ReadResult.Batch.class);
  }

  @Test
  void resumeSaysRecoveredOrTheGap() {
    for (int i = 1; i <= 5; i++) {
      log.append("u", ev(i), 300); // 1 and 2 trimmed by bytes: the window is 3..5
    }
    String epoch = log.epoch("u");
    Cursor cursor = log.open("u", null);
    assertThat(cursor.sent()).isEqualTo(5);
    assertThat(cursor.epoch()).isEqualTo(epoch);

    assertThat(cursor.resume(null, 0)).isEqualTo(new Resumed(epoch, 5, null, null));
    assertThat(cursor.resume(epoch, 3)).isEqualTo(new Resumed(epoch, 3, true, null));
    assertThat(data(cursor.next(10_000))).containsExactly(4, 5);
    assertThat(cursor.resume(epoch, 2)).isEqualTo(new Resumed(epoch, 2, true, null));
    assertThat(cursor.resume(epoch, 5)).isEqualTo(new Resumed(epoch, 5, true, null));
    assertThat(log.stats().gapsReported()).isZero();

    assertThat(cursor.resume(epoch, 0)).isEqualTo(new Resumed(epoch, 2, false, 2L));
    assertThat(data(cursor.next(10_000))).containsExactly(3, 4, 5);
    assertThat(cursor.resume(epoch, 1)).isEqualTo(new Resumed(epoch, 2, false, 1L));
    Resumed unknown = new Resumed(epoch, 5, false, null);
    assertThat(cursor.resume("Other123", 3)).isEqualTo(unknown);
    assertThat(cursor.resume(epoch, 6)).isEqualTo(unknown);
    assertThat(cursor.resume(epoch, -1)).isEqualTo(unknown);
    assertThat(cursor.resume(epoch, Long.MAX_VALUE)).isEqualTo(unknown);
    assertThat(cursor.next(10_000)).isEqualTo(new ReadResult.UpToDate(epoch, 5));
    assertThat(log.stats().gapsReported()).isEqualTo(6);
  }

  @Test
  void aCursorBehindTheWindowIsToldTheExactGapThenGetsTheRest() {
    Cursor cursor = log.open("u", null);
    for (int i = 1; i <= 5; i++) {
      log.append("u", ev(i), 300);
    }
    ReadResult.Batch first = (ReadResult.Batch) cursor.next(10_000);
    assertThat(first.missed()).isEqualTo(2);
    assertThat(first.firstSeq()).isEqualTo(3);
    assertThat(data(first)).containsExactly(3, 4, 5);
    assertThat(cursor.sent()).isEqualTo(5);
    assertThat(cursor.next(10_000)).isInstanceOf(ReadResult.UpToDate.class);

    time.advance(AGE);
    log.append("u", ev(6), 10); // 3..5 aged out, 6 is new: no gap for this cursor
    assertThat(data(cursor.next(10_000))).containsExactly(6);
    assertThat(((ReadResult.Batch) log.read("u", cursor.epoch(), 4, 10_000)).missed()).isEqualTo(1);
  }

  @Test
  void nextTakesBatchesInOrderUpToTheBudget() {
    Cursor cursor = log.open("u", null);
    for (int i = 1; i <= 6; i++) {
      log.append("u", ev(i), 100);
    }
    assertThat(data(cursor.next(250))).containsExactly(1, 2);
    assertThat(data(cursor.next(250))).containsExactly(3, 4);
    cursor.acknowledge(3);
    assertThat(cursor.acknowledged()).isEqualTo(3);
    cursor.acknowledge(99); // never above what was sent
    assertThat(cursor.acknowledged()).isEqualTo(4);
    cursor.acknowledge(1);
    assertThat(cursor.acknowledged()).isEqualTo(4);
    assertThat(data(cursor.next(250))).containsExactly(5, 6);
    assertThat(cursor.next(250)).isInstanceOf(ReadResult.UpToDate.class);
  }

  @Test
  void aCursorOnlyReadsItsOwnUsersStream() {
    log.append("alice", ev(1), 10);
    log.append("bob", ev(100), 10);
    log.append("bob", ev(101), 10);
    Cursor alice = log.open("alice", null);
    assertThat(alice.user()).isEqualTo("alice");
    String bobEpoch = log.epoch("bob");
    // alice's client names bob's epoch and numbers: not hers, unknown, none of bob's events
    assertThat(alice.resume(bobEpoch, 1))
        .isEqualTo(new Resumed(log.epoch("alice"), 1, false, null));
    assertThat(alice.next(1000)).isInstanceOf(ReadResult.UpToDate.class);
    assertThat(log.read("alice", bobEpoch, 0, 1000)).isInstanceOf(ReadResult.Unknown.class);
    log.append("bob", ev(102), 10);
    assertThat(alice.next(1000)).isInstanceOf(ReadResult.UpToDate.class);
    log.append("alice", ev(2), 10);
    assertThat(data(alice.next(1000))).containsExactly(2);
  }

  @Test
  void aStreamWithNoEventsAndNoCursorsLeaves() {
    Cursor c1 = log.open("u", null);
    Cursor c2 = log.open("u", null);
    String epoch = c1.epoch();
    assertThat(log.stats().streams()).isEqualTo(1);
    c1.close();
    c1.close();
    assertThat(c1.isClosed()).isTrue();
    assertThat(log.stats().streams()).as("a cursor still open").isEqualTo(1);
    c2.close();
    assertThat(log.stats().streams()).isZero();

    log.append("u", ev(1), 10);
    assertThat(log.epoch("u")).as("a new stream, a new epoch").isNotEqualTo(epoch);
    Cursor c3 = log.open("u", null);
    time.advance(AGE);
    c3.close(); // events expired: trimmed now and the stream leaves
    assertThat(c3.next(100)).isInstanceOf(ReadResult.UpToDate.class);
    assertThat(log.stats().streams()).isZero();
    assertThat(log.stats().bytes()).isZero();
  }

  @Test
  void streamsNobodyTouchesAgeOutOnOtherAppendsOrOnSweep() {
    for (int i = 0; i < 100; i++) {
      log.append("idle-" + i, ev(i), 10);
    }
    Cursor kept = log.open("idle-0", null);
    assertThat(log.stats().streams()).isEqualTo(100);
    time.advance(AGE + AGE / LogWindow.BUCKETS_PER_WINDOW);
    log.append("busy", ev(1), 10);
    assertThat(log.stats().streams()).as("idle-0 has a cursor; busy is new").isEqualTo(2);
    assertThat(log.stats().bytes()).isEqualTo(10);
    assertThat(log.stats().trimmedByAge()).isEqualTo(100);

    time.advance(2 * AGE);
    log.sweep();
    assertThat(log.stats().streams()).isEqualTo(1);
    assertThat(log.stats().bytes()).isZero();
    assertThat(kept.next(100)).isInstanceOf(ReadResult.UpToDate.class);
    assertThat(log.window.markCount()).isZero();
  }

  @Test
  void theMarksStayBoundedByUsersAndBucketsOfOneWindow() {
    long bucket = AGE / LogWindow.BUCKETS_PER_WINDOW;
    int users = 200;
    for (int step = 0; step < 5 * LogWindow.BUCKETS_PER_WINDOW; step++) {
      for (int u = 0; u < users; u++) {
        log.append("u" + u, ev(step), 1);
        log.append("u" + u, ev(step), 1);
      }
      assertThat(log.window.markCount())
          .isLessThanOrEqualTo(users * (LogWindow.BUCKETS_PER_WINDOW + 2));
      time.advance(bucket / 2);
    }
  }

  @Test
  void anArmedCursorIsWokenOnceOutsideTheLock() {
    AtomicInteger woken = new AtomicInteger();
    List<Boolean> heldLock = new ArrayList<>();
    Cursor[] self = new Cursor[1];
    Cursor cursor =
        log.open(
            "u",
            () -> {
              heldLock.add(Thread.holdsLock(self[0].stream));
              woken.incrementAndGet();
            });
    self[0] = cursor;
    log.append("u", ev(1), 10);
    assertThat(woken).as("not armed: it never read").hasValue(0);

    assertThat(data(cursor.next(100))).containsExactly(1);
    assertThat(cursor.next(100)).isInstanceOf(ReadResult.UpToDate.class); // armed
    log.append("other", ev(1), 10);
    assertThat(woken).hasValue(0);
    log.append("u", ev(2), 10);
    assertThat(woken).hasValue(1);
    log.append("u", ev(3), 10);
    assertThat(woken).as("once per arming").hasValue(1);
    assertThat(heldLock).containsExactly(false);

    assertThat(data(cursor.next(100))).containsExactly(2, 3);
    cursor.next(100);
    cursor.resume(cursor.epoch(), 3); // a resume disarms
    log.append("u", ev(4), 10);
    assertThat(woken).hasValue(1);
    cursor.next(100);
    cursor.next(100);
    cursor.close(); // a closed cursor is not woken
    log.append("u", ev(5), 10);
    assertThat(woken).hasValue(1);
  }

  @Test
  void aFailingWakeUpDoesNotStopTheOthers() {
    AtomicInteger woken = new AtomicInteger();
    Cursor bad =
        log.open(
            "u",
            () -> {
              throw new IllegalStateException("boom");
            });
    Cursor good = log.open("u", woken::incrementAndGet);
    bad.next(100);
    good.next(100);
    assertThat(log.append("u", ev(1), 10)).isEqualTo(1);
    assertThat(woken).hasValue(1);
  }

  @Test
  void aWebSocketDrainWithInlineWritesLoopsWithoutRecursing() {
    // the drain shape documented on Cursor, with writes that complete inline
    List<Object> written = new ArrayList<>();
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    Cursor[] cursor = new Cursor[1];
    boolean[] draining = new boolean[1];
    Runnable drain =
        () -> {
          maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
          if (!draining[0]) {
            draining[0] = true;
            ReadResult r;
            while ((r = cursor[0].next(20)) instanceof ReadResult.Batch b) {
              written.addAll(data(b)); // the write completes inline: take more in this loop
            }
            draining[0] = false;
          }
          depth.decrementAndGet();
        };
    cursor[0] = log.open("u", drain);
    drain.run();
    for (int i = 1; i <= 50; i++) {
      log.append("u", ev(i), 10);
    }
    log.append(
        "u", List.of(ev(51), ev(52), ev(53), ev(54), ev(55)), new int[] {10, 10, 10, 10, 10});
    assertThat(written).hasSize(55);
    assertThat(written.get(54)).isEqualTo(55);
    assertThat(maxDepth).hasValue(1);
  }

  @Test
  void clientsAtTheSameCursorPackABatchOnce() {
    Cursor c1 = log.open("u", null);
    Cursor c2 = log.open("u", null);
    log.append("u", List.of(ev(1), ev(2)), new int[] {10, 10});
    AtomicInteger packs = new AtomicInteger();
    ReadResult.Batch b1 = (ReadResult.Batch) c1.next(100);
    ReadResult.Batch b2 = (ReadResult.Batch) c2.next(100);
    String f1 = c1.packed(b1, "ws", b -> "frame" + b.lastSeq() + "#" + packs.incrementAndGet());
    String f2 = c2.packed(b2, "ws", b -> "frame" + b.lastSeq() + "#" + packs.incrementAndGet());
    assertThat(f1).isEqualTo("frame2#1");
    assertThat(f2).isSameAs(f1);
    assertThat(packs).hasValue(1);
    // another kind of packing of the same range is its own
    assertThat(c1.<String>packed(b1, "ajax", b -> "body#" + packs.incrementAndGet()))
        .isEqualTo("body#2");
    // a stateless read of the same range finds the cache too
    ReadResult.Batch b3 = (ReadResult.Batch) log.read("u", c1.epoch(), 0, 100);
    assertThat(log.<String>packed("u", b3, "ajax", b -> "x")).isEqualTo("body#2");
    assertThat(log.stats().packedHits()).isEqualTo(2);
    assertThat(log.stats().packedMisses()).isEqualTo(2);

    // a different range misses
    log.append("u", ev(3), 10);
    ReadResult.Batch b4 = (ReadResult.Batch) c1.next(100);
    assertThat(c1.<String>packed(b4, "ws", b -> "frame" + b.lastSeq())).isEqualTo("frame3");
    // a batch with a gap is not cached
    for (int i = 4; i <= 200; i++) {
      log.append("u", ev(i), 10);
    }
    ReadResult.Batch gap = (ReadResult.Batch) c2.next(100);
    assertThat(gap.hasGap()).isTrue();
    assertThat(c2.<String>packed(gap, "ws", b -> "g1")).isEqualTo("g1");
    assertThat(c2.<String>packed(gap, "ws", b -> "g2")).isEqualTo("g2");
  }

  @Test
  void underRandomAppendsEveryStreamIsASuffixWithinItsBoundsAndTheTotalIsExact() {
    log = new DeliveryLog(time::nowMillis, AGE, 2000, 50_000);
    java.util.Random random = new java.util.Random(42);
    int users = 200;
    java.util.Map<String, List<long[]>> model = new java.util.HashMap<>(); // seq, time, size
    for (int op = 0; op < 20_000; op++) {
      // half the appends to one hot user (its byte bound), the rest spread (the total)
      String user = random.nextBoolean() ? "hot" : "u" + random.nextInt(users);
      int size = random.nextInt(400);
      long seq = log.append(user, Event.of("t/e", user + "#" + op), size);
      List<long[]> appended = model.computeIfAbsent(user, u -> new ArrayList<>());
      if (seq == 1) {
        appended.clear(); // the stream left and came back: a new epoch
      }
      appended.add(new long[] {seq, time.nowMillis(), size});
      assertThat(seq).isEqualTo(appended.size());
      assertThat(log.stats().bytes()).isLessThanOrEqualTo(50_000);
      // fast appends first (the total bound), then slow ones (the age)
      time.advance(random.nextInt(op < 10_000 ? 20 : 3000));
      if (op % 2000 == 1999) {
        long held = 0;
        for (var entry : model.entrySet()) {
          ReadResult r = log.read(entry.getKey(), log.epoch(entry.getKey()), 0, Long.MAX_VALUE);
          if (!(r instanceof ReadResult.Batch b)) {
            continue; // the stream left: nothing kept
          }
          List<long[]> all = entry.getValue();
          assertThat(b.lastSeq()).isEqualTo(all.size());
          assertThat(b.missed()).isEqualTo(b.firstSeq() - 1);
          long bytes = 0;
          for (long s = b.firstSeq(); s <= b.lastSeq(); s++) {
            long[] e = all.get((int) s - 1);
            assertThat(time.nowMillis() - e[1]).isLessThan(AGE);
            bytes += e[2];
          }
          assertThat(b.bytes()).isEqualTo(bytes);
          assertThat(bytes <= 2000 || b.events().size() == 1).isTrue();
          held += bytes;
        }
        assertThat(log.stats().bytes()).isEqualTo(held);
      }
    }
    DeliveryLog.Stats stats = log.stats();
    assertThat(stats.trimmedByAge()).isPositive();
    assertThat(stats.trimmedByUserBytes()).isPositive();
    assertThat(stats.trimmedByTotalBytes()).isPositive();
  }

  @Test
  void aClientsSeqParsesOrIsUnknown() {
    assertThat(DeliveryLog.parseSeq("0")).isZero();
    assertThat(DeliveryLog.parseSeq("1042")).isEqualTo(1042);
    assertThat(DeliveryLog.parseSeq("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
    for (String bad :
        new String[] {
          null, "", "-1", "+1", "1.5", "1e3", " 1", "abc", "9999999999999999999", "١"
        }) {
      assertThat(DeliveryLog.parseSeq(bad)).as(String.valueOf(bad)).isEqualTo(-1);
    }
    log.append("u", ev(1), 1);
    Cursor cursor = log.open("u", null);
    assertThat(cursor.resume(cursor.epoch(), DeliveryLog.parseSeq("x")).gap()).isNull();
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> log.append("u", List.of(ev(1)), new int[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.append("u", ev(1), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeliveryLog(time::nowMillis, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeliveryLog(time::nowMillis, 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DeliveryLog(time::nowMillis, 1, 10, 9))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.stats().streams()).isZero();
    DeliveryLog defaults = new DeliveryLog(time);
    defaults.append("u", ev(1), 1);
    time.advance(DeliveryLog.DEFAULT_MAX_AGE_MILLIS - 1);
    assertThat(defaults.read("u", defaults.epoch("u"), 0, 10)).isInstanceOf(ReadResult.Batch.class);
  }
}
