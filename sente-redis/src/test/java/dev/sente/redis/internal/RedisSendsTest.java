package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.redis.RedisForTests;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cluster's numbering of client sends against a real redis-server: each claimed once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSendsTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  private static StatefulRedisConnection<byte[], byte[]> connection;

  @BeforeAll
  static void connect() {
    connection = REDIS.connect();
  }

  private static boolean get(CompletionStage<Boolean> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void eachNumberIsClaimedOnceInAnyOrderAndANewEpochStartsAgain() throws Exception {
    RedisSends sends = new RedisSends(connection, "claims", 60_000);
    assertThat(get(sends.claim("alice", "c1", "e1", 1))).isTrue();
    assertThat(get(sends.claim("alice", "c1", "e1", 1))).as("again").isFalse();
    assertThat(get(sends.claim("alice", "c1", "e1", 3))).as("out of order").isTrue();
    assertThat(get(sends.claim("alice", "c1", "e1", 2))).isTrue();
    assertThat(get(sends.claim("alice", "c1", "e1", 3))).isFalse();
    assertThat(REDIS.server().command("HGET", "claims:sends:{alice}:c1", "low")).isEqualTo("3");
    assertThat(get(sends.claim("alice", "c2", "e1", 1))).as("another client").isTrue();
    assertThat(get(sends.claim("bob", "c1", "e1", 1))).as("another user").isTrue();
    assertThat(get(sends.claim("alice", "c1", "e2", 1))).as("a new instance").isTrue();
  }

  @Test
  void atMostAThousandWaitAboveAMissingNumber() throws Exception {
    RedisSends sends = new RedisSends(connection, "bound", 60_000);
    for (long seq = 2; seq <= RedisSends.MAX_ABOVE + 2; seq++) {
      assertThat(get(sends.claim("carol", "c1", "e1", seq))).isTrue();
    }
    // 1 never came: low moved past it, so the hash stays bounded
    assertThat(Long.parseLong(REDIS.server().command("HLEN", "bound:sends:{carol}:c1")))
        .isLessThanOrEqualTo(RedisSends.MAX_ABOVE + 2);
    assertThat(get(sends.claim("carol", "c1", "e1", 1))).as("too late").isFalse();
  }
}
