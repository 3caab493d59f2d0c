package dev.sente.redis;

import dev.sente.redis.internal.AppendQueue;
import dev.sente.redis.internal.BusMessages;
import dev.sente.redis.internal.RedisBus;
import dev.sente.redis.internal.RedisLog;
import dev.sente.redis.internal.RedisPresence;
import dev.sente.redis.internal.RedisSends;
import dev.sente.redis.internal.UsersReplica;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.Transport;
import dev.sente.server.cluster.Cluster;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

  /** How often a node renews its heartbeat and sweeps the nodes that died. */
  public static final long HEARTBEAT_MILLIS = 2_000;

  /**
   * How long a node counts as alive after its last heartbeat: the users of a node that dies
   * (killed, not stopped) leave the cluster's connected users within this and one {@link
   * #HEARTBEAT_MILLIS} more, 8 s.
   */
  public static final long ALIVE_MILLIS = 6_000;

  /**
   * Appends (one user's events each) sent to Redis in one script call at most: one round trip and
   * one bus message for all of them, and at most the server's message size limit of events. With
   * one call out at a time this bounds a node's appends per round trip: at 500, two and three nodes
   * on 2 shared cores filled every call at 20,000 pushes/s (round trips of 25 ms and more) and the
   * queue grew until it refused; 2,000 leaves room for round trips of up to 100 ms at that rate.
   */
  public static final int MAX_BATCH_APPENDS = 2_000;

  /**
   * Append script calls one node has out at once. One: the next call leaves when Redis has answered
   * the one before, carrying every append that came meanwhile, so a node's appends are numbered in
   * the order they were made. (Measured at 20,000 pushes/s on two nodes: four calls out, pipelined,
   * cost Redis and the nodes more CPU for smaller batches and did not lower the latency.)
   */
  public static final int MAX_CALLS_OUT = 1;

  /**
   * Appends that may wait for Redis on one node while a call is out: past this (or past {@link
   * #MAX_WAITING_BYTES}) an append is refused at once, its events reach this node's clients only,
   * and the other nodes' clients are told of a gap ({@link #refusedAppends()} counts them).
   */
  public static final int MAX_WAITING_APPENDS = 20_000;

  /**
   * Bytes of events that may wait for Redis on one node (or four times the server's message size
   * limit, when that is more); see {@link #MAX_WAITING_APPENDS}.
   */
  public static final long MAX_WAITING_BYTES = 64L << 20;

  private final URI uri;
  private final String prefix;
  private final String node = java.util.UUID.randomUUID().toString();
  private final UsersReplica replica = new UsersReplica(node);
  private final Set<String> memberships = new HashSet<>(); // fields, guarded by itself
  private volatile boolean syncWanted = true;
  private volatile RedisBus bus;
  private volatile RedisLog log;
  private volatile AppendQueue appends;
  private volatile RedisPresence presence;
  private volatile RedisSends sends;
  private volatile Listener listener;
  private volatile ScheduledExecutorService ticker;
  private volatile long maxMessageBytes;
  private final java.util.concurrent.atomic.LongAdder failedAppends =
      new java.util.concurrent.atomic.LongAdder();

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
                rejoin();
              } else if (state == RedisBus.State.DOWN) {
                listener.down();
              }
            });
    this.listener = listener;
    this.log =
        new RedisLog(started.commands(), prefix, settings.maxAgeMillis(), settings.maxUserBytes());
    RedisLog startedLog = log;
    this.appends =
        new AppendQueue(
            startedLog::append,
            settings.maxMessageBytes(),
            MAX_BATCH_APPENDS,
            MAX_WAITING_APPENDS,
            Math.max(MAX_WAITING_BYTES, 4 * settings.maxMessageBytes()),
            MAX_CALLS_OUT);
    this.presence = new RedisPresence(started.commands(), prefix);
    this.sends = new RedisSends(started.commands(), prefix, settings.maxAgeMillis());
    this.bus = started;
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sente-redis-heartbeat");
              t.setDaemon(true);
              return t;
            });
    this.ticker = timer;
    timer.scheduleWithFixedDelay(this::tick, 0, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The bus is back: the users are read again, and this node's memberships given again. */
  private void rejoin() {
    syncWanted = true;
    if (replica.invalidate()) {
      readUsers();
    }
    ScheduledExecutorService timer = ticker;
    if (timer != null) {
      try {
        timer.execute(this::tick);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closing
      }
    }
  }

  /** The heartbeat: renews this node, gives its memberships again when needed, sweeps the dead. */
  private void tick() {
    RedisPresence p = presence;
    if (p == null) {
      return;
    }
    try {
      p.heartbeat(node, ALIVE_MILLIS)
          .whenComplete(
              (unlisted, error) -> {
                if (error == null && (unlisted || syncWanted)) {
                  if (unlisted && !memberships.isEmpty()) {
                    LOG.warn("This node was taken for dead by the cluster: giving its users again");
                  }
                  sync(p);
                }
              });
      p.sweep(node)
          .whenComplete(
              (closed, error) -> {
                if (error == null && !closed.isEmpty()) {
                  LOG.info("Swept {} users of cluster nodes that stopped", closed.size());
                }
              });
      if (replica.wantsSnapshot() && replica.invalidate()) {
        readUsers();
      }
    } catch (RuntimeException e) {
      LOG.debug("The heartbeat failed", e);
    }
  }

  private void sync(RedisPresence p) {
    synchronized (memberships) {
      syncWanted = false;
      p.sync(node, List.copyOf(memberships))
          .whenComplete(
              (changes, error) -> {
                if (error != null) {
                  syncWanted = true;
                }
              });
    }
  }

  private void readUsers() {
    RedisPresence p = presence;
    if (p == null) {
      return;
    }
    p.snapshot()
        .whenComplete(
            (snapshot, error) -> {
              if (error != null) {
                replica.snapshotFailed();
                return;
              }
              report(replica.snapshot(snapshot));
            });
  }

  private void report(UsersReplica.Heard heard) {
    Listener l = listener;
    for (UsersReplica.Applied applied : heard.applied()) {
      BusMessages.Presence change = applied.change();
      l.usersChanged(
          new UsersChange(
              change.user(),
              "w".equals(change.transport()) ? Transport.WEBSOCKET : Transport.AJAX,
              Change.valueOf(change.transition().name()),
              applied.before(),
              applied.after()));
    }
    if (heard.readSnapshot()) {
      readUsers();
    }
  }

  @Override
  public void join(String user, Transport transport) {
    member(user, transport, true);
  }

  @Override
  public void leave(String user, Transport transport) {
    member(user, transport, false);
  }

  private void member(String user, Transport transport, boolean joined) {
    String t = transport == Transport.WEBSOCKET ? "w" : "a";
    String field = RedisPresence.field(t, user);
    synchronized (memberships) {
      if (joined ? !memberships.add(field) : !memberships.remove(field)) {
        return;
      }
      RedisPresence p = presence;
      if (p == null) {
        return;
      }
      (joined ? p.join(node, t, user) : p.leave(node, t, user))
          .whenComplete(
              (transition, error) -> {
                if (error != null) {
                  syncWanted = true; // given again with the next heartbeat
                }
              });
    }
  }

  @Override
  public ConnectedUsers connectedUsers() {
    return replica.users();
  }

  private void hear(String self, byte[] message, Listener listener) {
    BusMessages.Message read;
    try {
      read = BusMessages.read(message);
    } catch (IllegalArgumentException e) {
      LOG.warn("Ignored a malformed message on the bus: {}", e.getMessage());
      return;
    }
    if (read instanceof BusMessages.Appends all) {
      for (BusMessages.Append a : all.appends()) {
        listener.appended(a.user(), a.epoch(), a.firstSeq(), a.events());
      }
    } else if (read instanceof BusMessages.Append a) {
      listener.appended(a.user(), a.epoch(), a.firstSeq(), a.events());
    } else if (read instanceof BusMessages.Skipped g) {
      listener.skipped(g.user(), g.epoch(), g.lastSeq());
    } else if (read instanceof BusMessages.Presence p) {
      report(replica.hear(p));
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

  /**
   * A call on a part of the started cluster: fails (never throws) before {@link #start}, and when
   * the part throws (a bad argument).
   */
  private static <P, T> CompletionStage<T> call(P part, Function<P, CompletionStage<T>> call) {
    if (part == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    try {
      return call.apply(part);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Appended> append(String user, List<byte[]> events) {
    RedisLog started = log;
    if (started == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("not started"));
    }
    RedisLog.UserEvents append;
    try {
      append = new RedisLog.UserEvents(user, events);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    long bytes = append.bytes();
    if (bytes > maxMessageBytes) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "an append of "
                  + bytes
                  + " bytes is over maxMessageBytes "
                  + maxMessageBytes
                  + ": not published"));
    }
    return call(appends, q -> q.offer(append))
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                failedAppends.increment();
              }
            });
  }

  @Override
  public CompletionStage<Boolean> claim(String user, String client, String epoch, long seq) {
    return call(sends, s -> s.claim(user, client, epoch, seq));
  }

  @Override
  public CompletionStage<Appended> skip(String user, long count) {
    return call(log, l -> l.skip(user, count));
  }

  @Override
  public CompletionStage<Read> read(String user, String epoch, long afterSeq, long maxBytes) {
    return call(log, l -> l.read(user, epoch, afterSeq, maxBytes));
  }

  @Override
  public boolean isUp() {
    RedisBus started = bus;
    return started != null && started.state() == RedisBus.State.UP;
  }

  /**
   * Appends Redis did not take (refused by this node because too many waited, see {@link
   * #refusedAppends()}, or Redis away, or over the 5 s command timeout): their events reached this
   * node's clients only, and the other nodes' clients are told of a gap once Redis is back.
   */
  public long failedAppends() {
    return failedAppends.sum();
  }

  /**
   * Appends this node refused before sending them, because {@link #MAX_WAITING_APPENDS} or {@link
   * #MAX_WAITING_BYTES} waited for Redis already (counted in {@link #failedAppends()} too).
   */
  public long refusedAppends() {
    AppendQueue queue = appends;
    return queue == null ? 0 : queue.refused();
  }

  /** The append script calls this node made: each carries up to {@link #MAX_BATCH_APPENDS}. */
  public long appendCalls() {
    AppendQueue queue = appends;
    return queue == null ? 0 : queue.calls();
  }

  /** The bus's counters (messages published, heard, refused, failed; times it went down). */
  public RedisBus.Stats busStats() {
    RedisBus started = bus;
    return started == null ? new RedisBus.Stats(0, 0, 0, 0, 0) : started.stats();
  }

  /**
   * Leaves the cluster: the heartbeat stops and this node's alive key goes, so that the next sweep
   * by another node (within {@link #HEARTBEAT_MILLIS}) closes its users there.
   */
  @Override
  public void close() {
    ScheduledExecutorService timer = ticker;
    if (timer != null) {
      timer.shutdownNow();
    }
    RedisPresence p = presence;
    if (p != null) {
      try {
        p.stopHeartbeat(node).toCompletableFuture().get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.debug("Could not remove this node's heartbeat; it expires by itself", e);
      }
    }
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
