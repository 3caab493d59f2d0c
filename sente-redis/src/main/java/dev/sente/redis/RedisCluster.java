package dev.sente.redis;

import dev.sente.redis.internal.BusMessages;
import dev.sente.redis.internal.RedisBus;
import dev.sente.redis.internal.RedisLog;
import dev.sente.server.cluster.Cluster;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of Sente nodes on Redis: {@code
 * SenteServer.builder().cluster(RedisCluster.create(uri))} on every node, the same URI and prefix
 * everywhere. Each user's events are numbered in a Redis stream that every node reads, and every
 * append is published on one channel that every node hears; see docs/cluster.md for the model.
 *
 * <p>Two connections per node (commands, and the subscription), on Lettuce, each reconnecting by
 * itself. The URI carries what Redis needs: {@code redis://host:6379}, {@code
 * redis://:password@host}, {@code redis://user:password@host}, {@code rediss://} for TLS, a
 * database as {@code redis://host/2}.
 */
public final class RedisCluster implements Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCluster.class);

  /** The prefix of every key and channel unless {@link #create(URI, String)} gives another. */
  public static final String DEFAULT_PREFIX = "sente";

  private final URI uri;
  private final String prefix;
  private final String node = java.util.UUID.randomUUID().toString();
  private volatile RedisBus bus;
  private volatile RedisLog log;
  private volatile long maxMessageBytes;

  private RedisCluster(URI uri, String prefix) {
    this.uri = Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException("a Redis URI starts with redis:// or rediss://: " + uri);
    }
    this.prefix = RedisBus.checkPrefix(prefix);
  }

  /** A cluster on the Redis at {@code uri}, under the prefix {@value #DEFAULT_PREFIX}. */
  public static RedisCluster create(String uri) {
    return create(URI.create(Objects.requireNonNull(uri, "uri")), DEFAULT_PREFIX);
  }

  /** A cluster on the Redis at {@code uri}, under the prefix {@value #DEFAULT_PREFIX}. */
  public static RedisCluster create(URI uri) {
    return create(uri, DEFAULT_PREFIX);
  }

  /**
   * A cluster on the Redis at {@code uri}, every key and channel under {@code prefix} (1 to 64
   * letters, digits, {@code _ . : -}): several applications or environments can share one Redis,
   * each with its own prefix, and never see each other's users.
   */
  public static RedisCluster create(URI uri, String prefix) {
    return new RedisCluster(uri, prefix);
  }

  /** The prefix of this cluster's keys and channel. */
  public String prefix() {
    return prefix;
  }

  @Override
  public void start(Settings settings, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    if (bus != null) {
      throw new IllegalStateException("this RedisCluster is started already: one per server");
    }
    this.maxMessageBytes = settings.maxMessageBytes();
    RedisBus started =
        RedisBus.start(
            uri,
            prefix,
            (int) Math.min(Integer.MAX_VALUE, settings.maxMessageBytes() + 1024),
            message -> hear(node, message, listener),
            state -> {
              if (state == RedisBus.State.UP) {
                listener.up();
              } else if (state == RedisBus.State.DOWN) {
                listener.down();
              }
            });
    this.log =
        new RedisLog(started.commands(), prefix, settings.maxAgeMillis(), settings.maxUserBytes());
    this.bus = started;
  }

  private static void hear(String self, byte[] message, Listener listener) {
    BusMessages.Message read;
    try {
      read = BusMessages.read(message);
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignored a malformed message on the bus: {}", e.getMessage());
      return;
    }
    if (read instanceof BusMessages.Append a) {
      listener.appended(a.user(), a.epoch(), a.firstSeq(), a.events());
    } else if (read instanceof BusMessages.Disconnect d && !d.node().equals(self)) {
      listener.disconnect(d.user());
    }
  }

  @Override
  public CompletionStage<Boolean> disconnect(String user) {
    RedisBus started = bus;
    if (started == null) {
      return CompletableFuture.completedFuture(false);
    }
    return started.publish(BusMessages.disconnect(node, Objects.requireNonNull(user, "user")));
  }

  @Override
  public CompletionStage<Appended> append(String user, List<byte[]> events) {
    RedisLog started = log;
    if (started == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    long bytes = 0;
    for (byte[] event : events) {
      bytes += event.length;
    }
    if (bytes > maxMessageBytes) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "an append of "
                  + bytes
                  + " bytes is over maxMessageBytes "
                  + maxMessageBytes
                  + ": not published"));
    }
    try {
      return started.append(user, events);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Read> read(String user, String epoch, long afterSeq, long maxBytes) {
    RedisLog started = log;
    if (started == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    try {
      return started.read(user, epoch, afterSeq, maxBytes);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public boolean isUp() {
    RedisBus started = bus;
    return started != null && started.state() == RedisBus.State.UP;
  }

  /** The bus's counters (messages published, heard, refused, failed; times it went down). */
  public RedisBus.Stats busStats() {
    RedisBus started = bus;
    return started == null ? new RedisBus.Stats(0, 0, 0, 0, 0) : started.stats();
  }

  @Override
  public void close() {
    RedisBus started = bus;
    if (started != null) {
      started.close();
    }
  }

  @Override
  public String toString() {
    return "RedisCluster[" + uri.getHost() + ":" + uri.getPort() + ", prefix " + prefix + "]";
  }
}
