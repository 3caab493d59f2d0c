package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.redis.RedisForTests;
import io.lettuce.core.RedisException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bus against a real redis-server: fan-out, prefixes, bounds, and Redis going away. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisBusTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeBuses() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    REDIS.server().restart(); // a test that stopped it leaves it running for the next
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10));
  }

  /** A bus and what it heard (as text) and went through. */
  private final class Node {
    final List<String> heard = new CopyOnWriteArrayList<>();
    final List<RedisBus.State> states = new CopyOnWriteArrayList<>();
    final RedisBus bus;

    Node(String prefix, int maxMessageBytes) {
      bus =
          RedisBus.start(
              REDIS.server().uri(),
              prefix,
              maxMessageBytes,
              m -> heard.add(new String(m, StandardCharsets.UTF_8)),
              states::add);
      open.add(bus);
    }

    boolean publish(String text) throws Exception {
      return bus.publish(text.getBytes(StandardCharsets.UTF_8))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyNodeOfThePrefixHearsEveryMessageInOrderItsOwnIncluded() throws Exception {
    Node a = new Node("app1", 1024);
    Node b = new Node("app1", 1024);
    Node other = new Node("app2", 1024);
    for (int i = 0; i < 100; i++) {
      assertThat((i % 2 == 0 ? a : b).publish("m" + i)).isTrue();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      expected.add("m" + i);
    }
    eventually().until(() -> a.heard.size() == 100 && b.heard.size() == 100);
    assertThat(a.heard).containsExactlyElementsOf(expected);
    assertThat(b.heard).containsExactlyElementsOf(expected);
    assertThat(other.publish("elsewhere")).isTrue();
    eventually().until(() -> other.heard.size() == 1);
    assertThat(a.heard).as("another prefix is another cluster").hasSize(100);
    assertThat(REDIS.server().command("PUBSUB", "CHANNELS", "*").split("\n"))
        .containsExactlyInAnyOrder("app1:bus", "app2:bus");
    assertThat(a.bus.stats().published()).isEqualTo(50);
    assertThat(a.bus.stats().received()).isEqualTo(100);
  }

  @Test
  void aMessageOverTheBoundIsRefusedCountedAndNeverSent() throws Exception {
    Node a = new Node("bounds", 100);
    Node b = new Node("bounds", 100);
    assertThat(a.publish("x".repeat(101))).isFalse();
    assertThat(a.publish("x".repeat(100))).isTrue();
    eventually().until(() -> b.heard.size() == 1);
    assertThat(b.heard.get(0)).hasSize(100);
    assertThat(a.bus.stats().refusedTooLarge()).isEqualTo(1);
    assertThat(a.bus.stats().published()).isEqualTo(1);
  }

  @Test
  void whileRedisIsAwayPublishesFailAtOnceAndAfterItReturnsTheBusWorksAgain() throws Exception {
    Node a = new Node("trouble", 1024);
    Node b = new Node("trouble", 1024);
    assertThat(a.publish("before")).isTrue();
    eventually().until(() -> b.heard.contains("before"));

    REDIS.server().kill();
    eventually().until(() -> a.bus.state() == RedisBus.State.DOWN);
    eventually().until(() -> b.bus.state() == RedisBus.State.DOWN);
    assertThat(a.publish("while away")).as("refused, not queued for later").isFalse();
    assertThat(a.bus.stats().failed()).isEqualTo(1);

    REDIS
        .server()
        .restart(); // an empty Redis on the same port: the buses reconnect and subscribe again
    eventually().until(() -> a.bus.state() == RedisBus.State.UP);
    eventually().until(() -> b.bus.state() == RedisBus.State.UP);
    eventually().until(() -> "2".equals(numberOfSubscribers("trouble:bus")));
    assertThat(a.publish("after")).isTrue();
    eventually().until(() -> b.heard.contains("after"));
    assertThat(b.heard).containsExactly("before", "after");
    assertThat(a.states).containsExactly(RedisBus.State.DOWN, RedisBus.State.UP);
    assertThat(b.bus.stats().downs()).isEqualTo(1);
  }

  private static String numberOfSubscribers(String channel) throws Exception {
    String[] reply = REDIS.server().command("PUBSUB", "NUMSUB", channel).split("\n");
    return reply.length == 2 ? reply[1] : "";
  }

  @Test
  void refusesABadPrefixAndAnUnreachableRedisClearly() {
    assertThatThrownBy(() -> new Node("has space", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> new Node("", 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Node("ok", 0)).isInstanceOf(IllegalArgumentException.class);
    URI nowhere = URI.create("redis://127.0.0.1:1");
    assertThatThrownBy(() -> RedisBus.start(nowhere, "ok", 10, m -> {}, s -> {}))
        .isInstanceOf(RedisException.class);
  }
}
