package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shared log against a real redis-server: numbering across nodes, cursors, gaps, bounds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisLogTest {
  private static RedisServer redis;
  private static RedisClient client;
  private static StatefulRedisConnection<byte[], byte[]> nodeA;
  private static StatefulRedisConnection<byte[], byte[]> nodeB;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    client = RedisClient.create(RedisURI.create(redis.uri().toString()));
    nodeA = client.connect(ByteArrayCodec.INSTANCE);
    nodeB = client.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (redis != null) {
      redis.close();
    }
  }

  private static byte[] event(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> texts(RedisLog.Read read) {
    assertThat(read).isInstanceOf(RedisLog.Batch.class);
    List<String> out = new ArrayList<>();
    for (byte[] e : ((RedisLog.Batch) read).events()) {
      out.add(new String(e, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void twoNodesAppendingAtOnceNumberOneStreamWithoutGapsOrCopies() throws Exception {
    RedisLog a = new RedisLog(nodeA, "numbers", 60_000, 1 << 20);
    RedisLog b = new RedisLog(nodeB, "numbers", 60_000, 1 << 20);
    List<CompletableFuture<RedisLog.Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RedisLog log = i % 2 == 0 ? a : b;
      appends.add(log.append("alice", List.of(event("e" + i))).toCompletableFuture());
    }
    List<Long> numbers = new ArrayList<>();
    String epoch = null;
    for (CompletableFuture<RedisLog.Appended> f : appends) {
      RedisLog.Appended appended = f.get(10, TimeUnit.SECONDS);
      numbers.add(appended.lastSeq());
      epoch = epoch == null ? appended.epoch() : epoch;
      assertThat(appended.epoch()).as("one epoch for the stream").isEqualTo(epoch);
    }
    assertThat(numbers).doesNotHaveDuplicates().hasSize(200);
    assertThat(numbers.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(200);
    RedisLog.Read read = get(a.read("alice", epoch, 0, 1 << 20));
    assertThat(((RedisLog.Batch) read).lastSeq()).isEqualTo(200);
    assertThat(((RedisLog.Batch) read).missed()).isZero();
    assertThat(texts(read)).hasSize(200);
    assertThat(get(b.append("alice", List.of(event("x"), event("y")))).lastSeq()).isEqualTo(202);
  }

  @Test
  void aCursorReadsWhatFollowsItAndNothingElse() throws Exception {
    RedisLog log = new RedisLog(nodeA, "cursors", 60_000, 1 << 20);
    String epoch = get(log.append("bob", List.of(event("1"), event("2"), event("3")))).epoch();
    assertThat(texts(get(log.read("bob", epoch, 1, 1 << 20)))).containsExactly("2", "3");
    assertThat(get(log.read("bob", epoch, 3, 1 << 20))).isEqualTo(new RedisLog.UpToDate(epoch, 3));
    assertThat(get(log.read("bob", "other", 1, 1 << 20)))
        .as("another epoch")
        .isEqualTo(new RedisLog.Unknown(epoch, 3));
    assertThat(get(log.read("bob", epoch, 4, 1 << 20)))
        .as("the future")
        .isInstanceOf(RedisLog.Unknown.class);
    assertThat(get(log.read("bob", epoch, -1, 1 << 20)))
        .as("negative")
        .isInstanceOf(RedisLog.Unknown.class);
    assertThat(get(log.read("nobody", epoch, 0, 1 << 20)))
        .as("no stream, and a read makes none")
        .isEqualTo(new RedisLog.Unknown(null, 0));
    assertThat(redis.command("EXISTS", "cursors:logmeta:{nobody}")).isEqualTo("0");
    // a budget: at least one event, then as many as fit
    RedisLog.Batch one = (RedisLog.Batch) get(log.read("bob", epoch, 0, 1));
    assertThat(one.lastSeq()).isEqualTo(1);
    assertThat(one.events()).hasSize(1);
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
    RedisLog.Batch batch = (RedisLog.Batch) get(log.read("carol", epoch, 0, 1 << 20));
    assertThat(batch.missed()).as("7 of 10 trimmed to keep 100 bytes").isEqualTo(7);
    assertThat(batch.lastSeq()).isEqualTo(10);
    assertThat(batch.events()).hasSize(3);
    // the newest stays even alone over the bound
    get(log.append("carol", List.of(event("z".repeat(500)))));
    RedisLog.Batch big = (RedisLog.Batch) get(log.read("carol", epoch, 10, 1 << 20));
    assertThat(big.events()).hasSize(1);
    assertThat(big.missed()).isZero();
  }

  @Test
  void pastItsAgeAUsersLogLeavesRedisAndAReadSaysUnknown() throws Exception {
    RedisLog log = new RedisLog(nodeA, "age", 300, 1 << 20);
    String epoch = get(log.append("dave", List.of(event("old")))).epoch();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "0".equals(redis.command("EXISTS", "age:log:{dave}", "age:logmeta:{dave}")));
    assertThat(get(log.read("dave", epoch, 0, 1 << 20))).isEqualTo(new RedisLog.Unknown(null, 0));
    RedisLog.Appended again = get(log.append("dave", List.of(event("new"))));
    assertThat(again.lastSeq()).as("a new stream starts at 1").isEqualTo(1);
    assertThat(again.epoch()).as("with a new epoch").isNotEqualTo(epoch);
  }

  @Test
  void numbersPastAHundredTrillionStayExact() throws Exception {
    RedisLog log = new RedisLog(nodeA, "big", 60_000, 1 << 20);
    String epoch = get(log.append("frank", List.of(event("first")))).epoch();
    redis.command("HSET", "big:logmeta:{frank}", "seq", "99999999999999");
    RedisLog.Appended appended = get(log.append("frank", List.of(event("a"), event("b"))));
    assertThat(appended.lastSeq()).isEqualTo(100_000_000_000_001L);
    RedisLog.Batch batch =
        (RedisLog.Batch) get(log.read("frank", epoch, 99_999_999_999_999L, 1 << 20));
    assertThat(batch.lastSeq()).isEqualTo(100_000_000_000_001L);
    assertThat(texts(batch)).containsExactly("a", "b");
  }

  @Test
  void scriptsRunByDigestAndAreLoadedAgainWhenRedisForgotThem() throws Exception {
    RedisLog log = new RedisLog(nodeA, "scripts", 60_000, 1 << 20);
    String epoch = get(log.append("gina", List.of(event("1")))).epoch();
    assertThat(redis.command("SCRIPT", "EXISTS", RedisLog.APPEND_SHA)).isEqualTo("1");
    redis.command("SCRIPT", "FLUSH");
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
    assertThat(redis.command("KEYS", "tenant-a*").split("\n"))
        .containsExactlyInAnyOrder("tenant-a:log:{eve}", "tenant-a:logmeta:{eve}");
    RedisLog b = new RedisLog(nodeB, "tenant-b", 60_000, 1 << 20);
    String epochA =
        new String(
            ((byte[]) nodeA.sync().hget("tenant-a:logmeta:{eve}".getBytes(), "epoch".getBytes())),
            StandardCharsets.UTF_8);
    assertThat(get(b.read("eve", epochA, 0, 1 << 20)))
        .as("tenant-a's epoch means nothing to tenant-b")
        .isInstanceOf(RedisLog.Unknown.class);
  }
}
