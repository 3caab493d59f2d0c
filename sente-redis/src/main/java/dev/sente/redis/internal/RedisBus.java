package dev.sente.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's bus on Redis pub/sub: every node publishes messages (bytes) on one channel, {@code
 * <prefix>:bus}, and hears every message published on it, its own included, in the order Redis
 * received them. Two connections per node, one for commands and one for the subscription, each
 * reconnecting by itself (Lettuce's watchdog, which subscribes again after a reconnect).
 *
 * <p><b>Bounds.</b> A message over {@code maxMessageBytes} is refused before it is sent. While
 * Redis is unreachable a publish fails at once (it is not queued for later), and at most {@value
 * #MAX_QUEUED_COMMANDS} commands wait on a connection that is up: a publish beyond fails. Every
 * refusal and failure is counted ({@link #stats()}) and completes the publish with false, never
 * with an exception; Redis being slow or away never blocks the caller.
 *
 * <p><b>Delivery.</b> Pub/sub is at most once: a message published while a node's subscription is
 * down never reaches that node. The bus says when its subscription went down and came back ({@link
 * State}), so that what relies on it can report a gap.
 *
 * <p>The message handler runs on Lettuce's I/O thread: it must not block.
 */
public final class RedisBus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBus.class);

  /** Commands that may wait on one connection while Redis answers. */
  static final int MAX_QUEUED_COMMANDS = 10_000;

  /** How long a command may wait for its answer. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  /** The bus's state: both its connections. */
  public enum State {
    /**
     * Subscribed, and the commands connection connected: messages published now reach this node.
     */
    UP,
    /** A connection (the subscription's, or the commands') is down; it reconnects by itself. */
    DOWN,
    /** Closed for good. */
    CLOSED
  }

  /**
   * Counters since the bus started.
   *
   * @param published messages Redis took
   * @param received messages heard on the channel (this node's own included)
   * @param refusedTooLarge messages over {@code maxMessageBytes}, never sent
   * @param failed publishes that failed: Redis away, slow or overloaded, or the bus closed
   * @param downs times the subscription went down
   */
  public record Stats(
      long published, long received, long refusedTooLarge, long failed, long downs) {}

  private final String channel;
  private final byte[] channelBytes;
  private final int maxMessageBytes;
  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> commands;
  private final StatefulRedisPubSubConnection<byte[], byte[]> subscription;
  private final AtomicReference<State> state = new AtomicReference<>(State.UP);
  private volatile boolean subscribed;
  private volatile boolean commandsOpen = true; // connected in the constructor
  private final Consumer<State> onState;
  private final LongAdder published = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder refusedTooLarge = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder downs = new LongAdder();

  private RedisBus(
      RedisClient client,
      String channel,
      int maxMessageBytes,
      Consumer<byte[]> onMessage,
      Consumer<State> onState) {
    this.client = client;
    this.channel = channel;
    this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
    this.maxMessageBytes = maxMessageBytes;
    this.onState = onState;
    this.commands = client.connect(ByteArrayCodec.INSTANCE);
    this.subscription = client.connectPubSub(ByteArrayCodec.INSTANCE);
    subscription.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(byte[] from, byte[] message) {
            received.increment();
            try {
              onMessage.accept(message);
            } catch (RuntimeException e) {
              LOG.error("The bus's message handler failed", e);
            }
          }

          @Override
          public void subscribed(byte[] to, long count) {
            subscribed = true; // also after a reconnect, once subscribed again
            changeState(commandsOpen ? State.UP : State.DOWN);
          }
        });
    client.addListener(
        new RedisConnectionStateListener() {
          // UP only when both are back: subscribed again (above, not on a mere reconnect of the
          // subscription), and the commands connection connected, so that what a node does when
          // the bus comes back (catching up, reading the users) can reach Redis
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress at) {
            if (connection == commands) {
              commandsOpen = true;
              changeState(subscribed ? State.UP : State.DOWN);
            }
          }

          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == subscription) {
              subscribed = false;
              changeState(State.DOWN);
            } else if (connection == commands) {
              commandsOpen = false;
              changeState(State.DOWN);
            }
          }
        });
    subscription.sync().subscribe(channelBytes);
  }

  /**
   * Connects to Redis at {@code uri} ({@code redis://} or {@code rediss://}, with a password or a
   * user and password in it) and subscribes; returns once subscribed. Fails with {@link
   * RedisException} when Redis cannot be reached now.
   *
   * @param prefix the namespace of every key and channel: 1 to 64 letters, digits, {@code _ . : -}
   * @param maxMessageBytes the largest message published, at least 1
   * @param onMessage called with every message heard, on Lettuce's I/O thread
   * @param onState called when the subscription goes down and comes back
   */
  public static RedisBus start(
      URI uri,
      String prefix,
      int maxMessageBytes,
      Consumer<byte[]> onMessage,
      Consumer<State> onState) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(onMessage, "onMessage");
    Objects.requireNonNull(onState, "onState");
    checkPrefix(prefix);
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be at least 1: " + maxMessageBytes);
    }
    RedisClient client = RedisClient.create(RedisURI.create(uri.toString()));
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(MAX_QUEUED_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
            .build());
    try {
      return new RedisBus(client, channelOf(prefix), maxMessageBytes, onMessage, onState);
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e;
    }
  }

  /** The bus channel of the prefix: {@code <prefix>:bus}. */
  static String channelOf(String prefix) {
    return checkPrefix(prefix) + ":bus";
  }

  /**
   * The node's connection for commands (the shared log's scripts run on it too, so a node has one
   * connection for commands and one for its subscription).
   */
  public StatefulRedisConnection<byte[], byte[]> commands() {
    return commands;
  }

  /**
   * The prefix, checked: the namespace of every key and channel, 1 to 64 letters, digits, {@code _
   * . : -}.
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must be 1 to 64 letters, digits, '_', '.', ':' or '-', got " + prefix);
    }
    return prefix;
  }

  private void changeState(State to) {
    State from = state.getAndUpdate(s -> s == State.CLOSED ? s : to);
    if (from == to || from == State.CLOSED) {
      return;
    }
    if (to == State.DOWN) {
      downs.increment();
      LOG.warn("Lost a Redis connection of the bus {}: reconnecting", channel);
    } else {
      LOG.info("Connected and subscribed to {} again", channel);
    }
    try {
      onState.accept(to);
    } catch (RuntimeException e) {
      LOG.error("The bus's state handler failed", e);
    }
  }

  /**
   * Publishes a message to every node; completes with true once Redis took it, false when it was
   * refused or failed (counted, see the class doc). Never throws for Redis trouble.
   */
  public CompletionStage<Boolean> publish(byte[] message) {
    Objects.requireNonNull(message, "message");
    if (message.length > maxMessageBytes) {
      refusedTooLarge.increment();
      LOG.warn(
          "Refused to publish {} bytes on {}: over maxMessageBytes {}",
          message.length,
          channel,
          maxMessageBytes);
      return CompletableFuture.completedFuture(false);
    }
    if (state.get() == State.CLOSED) {
      failed.increment();
      return CompletableFuture.completedFuture(false);
    }
    CompletionStage<Long> sent;
    try {
      sent = commands.async().publish(channelBytes, message);
    } catch (RuntimeException e) {
      failed.increment();
      return CompletableFuture.completedFuture(false);
    }
    return sent.handle(
        (receivers, error) -> {
          if (error != null) {
            failed.increment();
            LOG.debug("A publish on {} failed: {}", channel, error.toString());
            return false;
          }
          published.increment();
          return true;
        });
  }

  /** The channel, {@code <prefix>:bus}. */
  public String channel() {
    return channel;
  }

  /** The subscription's state now. */
  public State state() {
    return state.get();
  }

  /** The counters. */
  public Stats stats() {
    return new Stats(
        published.sum(), received.sum(), refusedTooLarge.sum(), failed.sum(), downs.sum());
  }

  /** Unsubscribes, closes both connections and the client; idempotent. */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    try {
      subscription.close();
      commands.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
