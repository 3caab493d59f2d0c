package dev.sente.redis;

import dev.sente.testkit.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A redis-server of a test class's own: {@code @RegisterExtension static final RedisForTests REDIS
 * = new RedisForTests();} starts one on a free port before the class's tests and stops it after
 * them, with the Lettuce connections {@link #connect()} opened.
 */
public final class RedisForTests implements BeforeAllCallback, AfterAllCallback {
  private RedisServer server;
  private RedisClient client;

  /**
   * Classes started and not yet ended: JUnit calls an outer class's extension for each of its
   * {@code @Nested} classes too, so one server serves them all and stops after the outermost.
   */
  private int depth;

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (depth++ == 0) {
      server = RedisServer.start();
    }
  }

  /** The running server. */
  public RedisServer server() {
    return server;
  }

  /** A new connection with bytes for keys and values, closed after the class's tests. */
  public StatefulRedisConnection<byte[], byte[]> connect() {
    return client().connect(ByteArrayCodec.INSTANCE);
  }

  /** A new subscription connection, like {@link #connect()}. */
  public StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
    return client().connectPubSub(ByteArrayCodec.INSTANCE);
  }

  private synchronized RedisClient client() {
    if (client == null) {
      client = RedisClient.create(RedisURI.create(server.uri().toString()));
    }
    return client;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--depth > 0) {
      return;
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (server != null) {
      server.close();
      server = null;
    }
    client = null;
  }
}
