package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.redis.RedisForTests;
import dev.sente.server.cluster.Cluster;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared log against a real redis-server: numbering across nodes, cursors, gaps, bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisLogTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  private static StatefulRedisConnection<byte[], byte[]> nodeA;
  private static StatefulRedisConnection<byte[], byte[]> nodeB;

  @BeforeAll
  static void connect() {
    nodeA = REDIS.connect();
    nodeB = REDIS.connect();
  }

  private static byte[] event(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(Cluster.Read read) {
    assertThat(read).isInstanceOf(Cluster.Batch.class);
    List<String> out = new ArrayList<>();
    for (byte[] e : ((Cluster.Batch) read).events()) {
      out.add(new String(e, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A subscription to a channel, with every message heard on it. */
  private record Listening(
      io.lettuce.core.pubsub.StatefulRedisPubSubConnection<byte[], byte[]> connection,
      List<byte[]> heard)
      implements AutoCloseable {
    @Override
    public void close() {
      connection.close();
    }
  }

  private static Listening listen(String channel) {
    var subscriber = REDIS.connectPubSub();
    List<byte[]> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    subscriber.addListener(
        new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] channel, byte[] message) {
            heard.add(message);
          }
        });
    subscriber.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
    return new Listening(subscriber, heard);
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoNodesAppendingAtOnceNumberOneStreamWithoutGapsOrCopies() throws Exception {
    RedisLog a = new RedisLog(nodeA, "numbers", 60_000, 1 << 20);
    RedisLog b = new RedisLog(nodeB, "numbers", 60_000, 1 << 20);
    List<CompletableFuture<Cluster.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RedisLog log = i % 2 == 0 ? a : b;
      appends.add(log.append("alice", List.of(event("e" + i))).toCompletableFuture());
    }
    List<Long> numbers = new ArrayList<>();
    String epoch = null;
    for (CompletableFuture<Cluster.Appended> f : appends) {
      Cluster.Appended appended = f.get(10, TimeUnit.SECONDS);
      numbers.add(appended.lastSeq());
      epoch = epoch == null ? appended.epoch() : epoch;
      assertThat(appended.epoch()).as("one epoch for the stream").isEqualTo(epoch);
    }
    assertThat(numbers).doesNotHaveDuplicates().hasSize(200);
    assertThat(numbers.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(200);
    Cluster.Read read = get(a.read("alice", epoch, 0, 1 << 20));
    assertThat(((Cluster.Batch) read).lastSeq()).isEqualTo(200);
    assertThat(((Cluster.Batch) read).missed()).isZero();
    assertThat(texts(read)).hasSize(200);
    assertThat(get(b.append("alice", List.of(event("x"), event("y")))).lastSeq()).isEqualTo(202);
  }

  @Test
  void aCursorReadsWhatFollowsItAndNothingElse() throws Exception {
    RedisLog log = new RedisLog(nodeA, "cursors", 60_000, 1 << 20);
    String epoch = get(log.append("bob", List.of(event("1"), event("2"), event("3")))).epoch();
    assertThat(texts(get(log.read("bob", epoch, 1, 1 << 20)))).containsExactly("2", "3");
    assertThat(get(log.read("bob", epoch, 3, 1 << 20))).isEqualTo(new Cluster.UpToDate(epoch, 3));
    assertThat(get(log.read("bob", "other", 1, 1 << 20)))
        .as("another epoch")
        .isEqualTo(new Cluster.Unknown(epoch, 3));
    assertThat(get(log.read("bob", epoch, 4, 1 << 20)))
        .as("the future")
        .isInstanceOf(Cluster.Unknown.class);
    assertThat(get(log.read("bob", epoch, -1, 1 << 20)))
        .as("negative")
        .isInstanceOf(Cluster.Unknown.class);
    Cluster.Read nobody = get(log.read("nobody", epoch, 0, 1 << 20));
    assertThat(nobody).as("no log").isInstanceOf(Cluster.Unknown.class);
    Cluster.Unknown made = (Cluster.Unknown) nobody;
    assertThat(made.epoch()).as("a read makes an empty one, with its epoch").isNotNull();
    assertThat(made.lastSeq()).isZero();
    assertThat(get(log.append("nobody", List.of(event("x")))))
        .as("the next append numbers in it")
        .isEqualTo(new Cluster.Appended(made.epoch(), 1));
    // a budget: at least one event, then as many as fit
    Cluster.Batch one = (Cluster.Batch) get(log.read("bob", epoch, 0, 1));
    assertThat(one.lastSeq()).isEqualTo(1);
    assertThat(one.events()).hasSize(1);
  }

  @Test
  void anAppendIsOneEntryReadFromAnyCursorInsideItAndCutByTheBudget() throws Exception {
    RedisLog log = new RedisLog(nodeA, "entries", 60_000, 1 << 20);
    List<byte[]> first = new ArrayList<>();
    for (int i = 1; i <= 2_500; i++) {
      first.add(event("e" + i));
    }
    Cluster.Appended a = get(log.append("erin", first));
    assertThat(a.lastSeq()).isEqualTo(2_500);
    assertThat(get(log.append("erin", List.of(event("e2501"), event("e2502")))).lastSeq())
        .isEqualTo(2_502);
    assertThat(REDIS.server().command("XLEN", "entries:log:{erin}"))
        .as("1,000 events per entry at most: 1,000 + 1,000 + 500, then one entry for the next")
        .isEqualTo("4");
    List<String> all = new ArrayList<>();
    long cursor = 0;
    while (cursor < 2_502) {
      // a budget of 200 bytes (40 to 100 events): reads start and stop inside entries
      Cluster.Batch batch = (Cluster.Batch) get(log.read("erin", a.epoch(), cursor, 200));
      assertThat(batch.missed()).isZero();
      int bytes = batch.events().stream().mapToInt(e -> e.length).sum();
      assertThat(bytes).as("within the budget").isLessThanOrEqualTo(200);
      assertThat(bytes + 6)
          .as("and filled to it, but at the end")
          .isGreaterThan(cursor >= 2_400 ? 0 : 200);
      all.addAll(texts(batch));
      assertThat(batch.lastSeq()).isEqualTo(cursor + batch.events().size());
      cursor = batch.lastSeq();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 2_502; i++) {
      expected.add("e" + i);
    }
    assertThat(all).as("every event once, in order").isEqualTo(expected);
    assertThat(texts(get(log.read("erin", a.epoch(), 1_999, 1 << 20))).subList(0, 2))
        .as("a cursor at an entry's end")
        .containsExactly("e2000", "e2001");
    assertThat(texts(get(log.read("erin", a.epoch(), 2_500, 1 << 20))))
        .containsExactly("e2501", "e2502");
  }

  @Test
  void anEntryOfOneEventInTheEarlierLayoutStillReads() throws Exception {
    RedisLog log = new RedisLog(nodeA, "layout", 60_000, 1 << 20);
    String epoch = get(log.append("finn", List.of(event("one")))).epoch();
    // what an earlier version wrote for event 2: its own entry with its size
    long now = System.currentTimeMillis();
    REDIS
        .server()
        .command(
            "XADD", "layout:log:{finn}", "0-2", "t", String.valueOf(now), "s", "3", "e", "two");
    REDIS.server().command("HSET", "layout:logmeta:{finn}", "seq", "2", "bytes", "6");
    get(log.append("finn", List.of(event("three"), event("four"))));
    assertThat(texts(get(log.read("finn", epoch, 0, 1 << 20))))
        .containsExactly("one", "two", "three", "four");
    assertThat(texts(get(log.read("finn", epoch, 1, 1 << 20))))
        .containsExactly("two", "three", "four");
  }

  @Test
  void overTheUserBoundWholeAppendsGoAndTheGapCountsTheirEvents() throws Exception {
    RedisLog log = new RedisLog(nodeA, "entrybytes", 60_000, 100);
    String epoch = null;
    for (int i = 0; i < 4; i++) {
      // appends of five events of 10 bytes
      List<byte[]> five = new ArrayList<>();
      for (int j = 0; j < 5; j++) {
        five.add(event(String.valueOf(i).repeat(10)));
      }
      epoch = get(log.append("gail", five)).epoch();
    }
    Cluster.Batch batch = (Cluster.Batch) get(log.read("gail", epoch, 0, 1 << 20));
    assertThat(batch.missed()).as("two appends of 50 bytes went, to keep 100").isEqualTo(10);
    assertThat(batch.lastSeq()).isEqualTo(20);
    assertThat(texts(batch)).hasSize(10).allMatch(t -> t.startsWith("2") || t.startsWith("3"));
  }

  @Test
  void skippedNumbersAreAGapForEveryReaderBeforeThemAndAreHeardOnTheBus() throws Exception {
    RedisLog log = new RedisLog(nodeA, "skips", 60_000, 1 << 20);
    assertThat(get(log.skip("nobody", 3)))
        .as("no log: nothing to skip")
        .isEqualTo(new Cluster.Appended("", 0));
    String epoch = get(log.append("dan", List.of(event("1"), event("2")))).epoch();
    assertThat(get(log.skip("dan", 3))).isEqualTo(new Cluster.Appended(epoch, 5));

    Cluster.Batch trailing = (Cluster.Batch) get(log.read("dan", epoch, 2, 1 << 20));
    assertThat(trailing)
        .as("only a gap follows")
        .isEqualTo(new Cluster.Batch(epoch, 5, 3, List.of()));
    get(log.append("dan", List.of(event("6"), event("7"))));
    Cluster.Batch before = (Cluster.Batch) get(log.read("dan", epoch, 0, 1 << 20));
    assertThat(before.lastSeq()).as("a batch stops before the gap").isEqualTo(2);
    assertThat(texts(before)).containsExactly("1", "2");
    Cluster.Batch after = (Cluster.Batch) get(log.read("dan", epoch, 2, 1 << 20));
    assertThat(after.missed()).isEqualTo(3);
    assertThat(after.lastSeq()).isEqualTo(7);
    assertThat(texts(after)).containsExactly("6", "7");
    Cluster.Batch inside = (Cluster.Batch) get(log.read("dan", epoch, 4, 1 << 20));
    assertThat(inside.missed()).as("a cursor inside the gap").isEqualTo(1);
    assertThat(texts(inside)).containsExactly("6", "7");
    assertThatThrownBy(() -> log.skip("dan", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overTheUserBoundTheOldestGoAndACursorBehindThemGetsTheExactGap() throws Exception {
    RedisLog log = new RedisLog(nodeA, "bytes", 60_000, 100);
    String epoch = null;
    for (int i = 1; i <= 10; i++) {
      epoch =
          get(log.append(
                  "carol",
                  List.of(event(String.valueOf(i).repeat(30 / String.valueOf(i).length())))))
              .epoch();
    }
    Cluster.Batch batch = (Cluster.Batch) get(log.read("carol", epoch, 0, 1 << 20));
    assertThat(batch.missed()).as("7 of 10 trimmed to keep 100 bytes").isEqualTo(7);
    assertThat(batch.lastSeq()).isEqualTo(10);
    assertThat(batch.events()).hasSize(3);
    // the newest stays even alone over the bound
    get(log.append("carol", List.of(event("z".repeat(500)))));
    Cluster.Batch big = (Cluster.Batch) get(log.read("carol", epoch, 10, 1 << 20));
    assertThat(big.events()).hasSize(1);
    assertThat(big.missed()).isZero();
  }

  @Test
  void pastItsAgeAUsersEventsLeaveRedisAndItsEpochStaysForADay() throws Exception {
    RedisLog log = new RedisLog(nodeA, "age", 300, 1 << 20);
    String epoch = get(log.append("dave", List.of(event("old")))).epoch();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "0".equals(REDIS.server().command("EXISTS", "age:log:{dave}")));
    assertThat(Long.parseLong(REDIS.server().command("PTTL", "age:logmeta:{dave}")))
        .as("the epoch and number stay a day")
        .isGreaterThan(RedisLog.META_TTL_MILLIS - 60_000);
    Cluster.Batch gone = (Cluster.Batch) get(log.read("dave", epoch, 0, 1 << 20));
    assertThat(gone.missed()).as("the aged event is a known gap").isEqualTo(1);
    assertThat(gone.events()).isEmpty();
    Cluster.Appended again = get(log.append("dave", List.of(event("new"))));
    assertThat(again).as("the numbering goes on").isEqualTo(new Cluster.Appended(epoch, 2));
    REDIS.server().command("DEL", "age:logmeta:{dave}");
    Cluster.Appended fresh = get(log.append("dave", List.of(event("newer"))));
    assertThat(fresh.lastSeq()).as("a log made again starts at 1").isEqualTo(1);
    assertThat(fresh.epoch()).as("with a new epoch").isNotEqualTo(epoch);
  }

  @Test
  void anAppendIsPublishedNumberedOnTheBusChannel() throws Exception {
    try (Listening bus = listen("pub:bus")) {
      List<byte[]> heard = bus.heard();
      RedisLog log = new RedisLog(nodeA, "pub", 60_000, 1 << 20);
      get(log.append("hé:llo", List.of(event("one"))));
      Cluster.Appended two = get(log.append("hé:llo", List.of(event("two"), event("3:x"))));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
      BusMessages.Append first = only(heard.get(0));
      BusMessages.Append second = only(heard.get(1));
      assertThat(first.user()).isEqualTo("hé:llo");
      assertThat(first.epoch()).isEqualTo(two.epoch());
      assertThat(first.firstSeq()).isEqualTo(1);
      assertThat(second.firstSeq()).isEqualTo(2);
      assertThat(second.events().stream().map(e -> new String(e, StandardCharsets.UTF_8)))
          .containsExactly("two", "3:x");
    }
  }

  private static BusMessages.Append only(byte[] message) {
    List<BusMessages.Append> appends = ((BusMessages.Appends) BusMessages.read(message)).appends();
    assertThat(appends).hasSize(1);
    return appends.get(0);
  }

  @Test
  void severalUsersAppendInOneCallNumberedAsIfOneByOneAndHeardAsOneMessage() throws Exception {
    try (Listening bus = listen("many:bus")) {
      List<byte[]> heard = bus.heard();
      RedisLog log = new RedisLog(nodeA, "many", 60_000, 1 << 20);
      String aliceEpoch = get(log.append("alice", List.of(event("a1")))).epoch();
      List<Cluster.Appended> appended =
          get(
              log.append(
                  List.of(
                      new RedisLog.UserEvents("alice", List.of(event("a2"), event("a3"))),
                      new RedisLog.UserEvents("bob", List.of(event("b1"))),
                      new RedisLog.UserEvents("alice", List.of(event("a4"))))));
      assertThat(appended.get(0)).isEqualTo(new Cluster.Appended(aliceEpoch, 3));
      assertThat(appended.get(1).lastSeq()).as("bob's log is new").isEqualTo(1);
      assertThat(appended.get(1).epoch()).isNotEqualTo(aliceEpoch);
      assertThat(appended.get(2)).isEqualTo(new Cluster.Appended(aliceEpoch, 4));
      assertThat(texts(get(log.read("alice", aliceEpoch, 0, 1 << 20))))
          .containsExactly("a1", "a2", "a3", "a4");
      assertThat(texts(get(log.read("bob", appended.get(1).epoch(), 0, 1 << 20))))
          .containsExactly("b1");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
      List<BusMessages.Append> batch =
          ((BusMessages.Appends) BusMessages.read(heard.get(1))).appends();
      assertThat(batch)
          .extracting(BusMessages.Append::user, BusMessages.Append::firstSeq)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("alice", 2L),
              org.assertj.core.groups.Tuple.tuple("bob", 1L),
              org.assertj.core.groups.Tuple.tuple("alice", 4L));
      assertThat(batch.get(0).events().stream().map(String::new)).containsExactly("a2", "a3");
    }
  }

  @Test
  void numbersPastAHundredTrillionStayExact() throws Exception {
    RedisLog log = new RedisLog(nodeA, "big", 60_000, 1 << 20);
    String epoch = get(log.append("frank", List.of(event("first")))).epoch();
    REDIS.server().command("HSET", "big:logmeta:{frank}", "seq", "99999999999999");
    Cluster.Appended appended = get(log.append("frank", List.of(event("a"), event("b"))));
    assertThat(appended.lastSeq()).isEqualTo(100_000_000_000_001L);
    Cluster.Batch batch =
        (Cluster.Batch) get(log.read("frank", epoch, 99_999_999_999_999L, 1 << 20));
    assertThat(batch.lastSeq()).isEqualTo(100_000_000_000_001L);
    assertThat(texts(batch)).containsExactly("a", "b");
  }

  @Test
  void scriptsRunByDigestAndAreLoadedAgainWhenRedisForgotThem() throws Exception {
    RedisLog log = new RedisLog(nodeA, "scripts", 60_000, 1 << 20);
    String epoch = get(log.append("gina", List.of(event("1")))).epoch();
    assertThat(REDIS.server().command("SCRIPT", "EXISTS", RedisLog.APPEND_SHA)).isEqualTo("1");
    REDIS.server().command("SCRIPT", "FLUSH");
    assertThat(get(log.append("gina", List.of(event("2")))).lastSeq()).isEqualTo(2);
    assertThat(texts(get(log.read("gina", epoch, 0, 1 << 20)))).containsExactly("1", "2");
  }

  @Test
  void everyKeyIsUnderItsPrefix() throws Exception {
    new RedisLog(nodeA, "tenant-a", 60_000, 1 << 20)
        .append("eve", List.of(event("a")))
        .toCompletableFuture()
        .get();
    new RedisLog(nodeA, "tenant-b", 60_000, 1 << 20)
        .append("eve", List.of(event("b")))
        .toCompletableFuture()
        .get();
    assertThat(REDIS.server().command("KEYS", "tenant-a*").split("\n"))
        .containsExactlyInAnyOrder("tenant-a:log:{eve}", "tenant-a:logmeta:{eve}");
    RedisLog b = new RedisLog(nodeB, "tenant-b", 60_000, 1 << 20);
    String epochA =
        new String(
            ((byte[]) nodeA.sync().hget("tenant-a:logmeta:{eve}".getBytes(), "epoch".getBytes())),
            StandardCharsets.UTF_8);
    assertThat(get(b.read("eve", epochA, 0, 1 << 20)))
        .as("tenant-a's epoch means nothing to tenant-b")
        .isInstanceOf(Cluster.Unknown.class);
  }
}
