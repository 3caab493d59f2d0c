package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.redis.RedisForTests;
import dev.sente.redis.internal.RedisPresence.Closed;
import dev.sente.redis.internal.RedisPresence.Transition;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster's connected users against a real redis-server: transitions decided once for the
 * cluster, repeats harmless, a dead node's users swept, prefixes apart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisPresenceTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  private static StatefulRedisConnection<byte[], byte[]> connection;

  @BeforeAll
  static void connect() {
    connection = REDIS.connect();
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theClustersFirstAndLastConnectionOfAUserAreEachDecidedOnce() throws Exception {
    RedisPresence presence = new RedisPresence(connection, "once");
    assertThat(get(presence.join("n1", "w", "alice"))).isEqualTo(Transition.OPENED);
    assertThat(get(presence.join("n1", "w", "alice"))).as("a repeat").isEqualTo(Transition.NONE);
    assertThat(get(presence.join("n2", "w", "alice")))
        .as("another node")
        .isEqualTo(Transition.NONE);
    assertThat(get(presence.join("n2", "a", "alice"))).isEqualTo(Transition.TRANSPORT_OPENED);
    assertThat(get(presence.counts()))
        .containsEntry("w|alice", 2L)
        .containsEntry("a|alice", 1L)
        .containsEntry("*|alice", 3L);

    assertThat(get(presence.leave("n1", "w", "alice"))).isEqualTo(Transition.NONE);
    assertThat(get(presence.leave("n1", "w", "alice"))).as("a repeat").isEqualTo(Transition.NONE);
    assertThat(get(presence.leave("n2", "a", "alice"))).isEqualTo(Transition.TRANSPORT_CLOSED);
    assertThat(get(presence.leave("n2", "w", "alice"))).isEqualTo(Transition.CLOSED);
    assertThat(get(presence.counts())).as("nothing left behind").isEmpty();
  }

  @Test
  void aNodeWhoseHeartbeatStoppedIsSweptWithItsUsersAndOnlyIt() throws Exception {
    RedisPresence presence = new RedisPresence(connection, "sweep");
    assertThat(get(presence.heartbeat("alive", 60_000))).as("a new node").isTrue();
    assertThat(get(presence.heartbeat("alive", 60_000))).as("a known node").isFalse();
    get(presence.heartbeat("dying", 200));
    assertThat(get(presence.join("dying", "w", "alice"))).isEqualTo(Transition.OPENED);
    assertThat(get(presence.join("dying", "a", "bob"))).isEqualTo(Transition.OPENED);
    assertThat(get(presence.join("alive", "w", "bob"))).isEqualTo(Transition.TRANSPORT_OPENED);
    assertThat(get(presence.sweep("alive"))).as("both alive yet").isEmpty();

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "0".equals(REDIS.server().command("EXISTS", "sweep:alive:dying")));
    List<Closed> closed = get(presence.sweep("alive"));
    assertThat(closed)
        .containsExactlyInAnyOrder(
            new Closed("w", "alice", Transition.CLOSED),
            new Closed("a", "bob", Transition.TRANSPORT_CLOSED));
    assertThat(get(presence.sweep("alive"))).as("swept once").isEmpty();
    assertThat(get(presence.counts())).containsOnlyKeys("w|bob", "*|bob");
    assertThat(REDIS.server().command("SMEMBERS", "sweep:nodes")).isEqualTo("alive");
    assertThat(get(presence.heartbeat("dying", 60_000))).as("swept: it must sync").isTrue();
  }

  @Test
  void aSyncLeavesWhatTheNodeNoLongerHasJoinsWhatItHasAndCountsEachChangeInTheVersion()
      throws Exception {
    RedisPresence presence = new RedisPresence(connection, "sync");
    get(presence.join("n1", "w", "alice"));
    get(presence.join("n1", "a", "alice"));
    get(presence.join("n2", "w", "bob"));
    RedisPresence.Snapshot before = get(presence.snapshot());
    assertThat(before.version()).isEqualTo(3);
    assertThat(before.fields()).containsExactlyInAnyOrder("w|alice", "a|alice", "w|bob");

    // n1 lost Redis for a while: alice's Ajax client went, carol came
    assertThat(get(presence.sync("n1", List.of("w|alice", "w|carol")))).isEqualTo(2);
    assertThat(get(presence.sync("n1", List.of("w|alice", "w|carol")))).as("a repeat").isZero();
    RedisPresence.Snapshot after = get(presence.snapshot());
    assertThat(after.version()).isEqualTo(5);
    assertThat(after.fields()).containsExactlyInAnyOrder("w|alice", "w|bob", "w|carol");
    assertThat(get(presence.counts()))
        .as("the version is not a user")
        .containsOnlyKeys("w|alice", "*|alice", "w|bob", "*|bob", "w|carol", "*|carol");
  }

  @Test
  void usersWithTheSeparatorInTheirIdAndPrefixesStayApart() throws Exception {
    RedisPresence a = new RedisPresence(connection, "tenant-a");
    RedisPresence b = new RedisPresence(connection, "tenant-b");
    assertThat(get(a.join("n1", "w", "x|y|z"))).isEqualTo(Transition.OPENED);
    assertThat(get(b.join("n1", "w", "x|y|z"))).as("another prefix").isEqualTo(Transition.OPENED);
    get(a.heartbeat("n1", 1)); // dies at once in tenant-a only
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> "0".equals(REDIS.server().command("EXISTS", "tenant-a:alive:n1")));
    assertThat(get(a.sweep("n2"))).containsExactly(new Closed("w", "x|y|z", Transition.CLOSED));
    assertThat(get(b.counts())).containsEntry("w|x|y|z", 1L);
  }
}
