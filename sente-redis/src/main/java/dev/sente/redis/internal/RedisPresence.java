package dev.sente.redis.internal;

import static dev.sente.redis.internal.LuaScript.bytes;
import static dev.sente.redis.internal.LuaScript.text;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The cluster's connected users on Redis. Each node records which of its users are connected on
 * which transport, and Redis counts, for each user, the nodes and transports that have them, so
 * that the transitions of the whole cluster (a user's first connection anywhere, a user's last) are
 * decided in one place, once.
 *
 * <p><b>Keys</b>, under the prefix: {@code <prefix>:nodes} (a set of node ids), {@code
 * <prefix>:alive:<node>} (a key that expires unless the node's heartbeat renews it), {@code
 * <prefix>:conn:<node>} (a hash: field {@code <t>|<user>} for each transport {@code t}, {@code w}
 * or {@code a}, on which the node has the user; it has no expiry, so that a dead node's users are
 * still known when it is swept), {@code <prefix>:users} (a hash: {@code <t>|<user>} and {@code
 * *|<user>}, the number of node-transport pairs that have the user, and {@code #v}, the version:
 * the number of changes to the sets so far).
 *
 * <p><b>Atomic</b>: a join, a leave, a sync and a sweep are each one Lua script; a join by a node
 * that has the user on that transport already, or a leave by one that has not, changes nothing, so
 * a retry is harmless. A sweep takes every node whose {@code alive} key is gone and leaves all its
 * users. Every change to the sets (a user's transport count going 0 to 1 or 1 to 0) bumps the
 * version and is published on the bus in the same script ({@link BusMessages.Presence}), so every
 * node hears the changes in the order Redis made them and can tell when it missed one. The scripts
 * name only their first keys; they touch others under the prefix, which a single Redis allows
 * (Redis Cluster would not).
 */
public final class RedisPresence {

  /** A user's cluster-wide transition that a join, a leave or a sweep made. */
  public enum Transition {
    /** Nothing changed for the cluster (the call was a repeat, or others have the user). */
    NONE,
    /** The user's transport count went 0 to 1, and the user was connected already elsewhere. */
    TRANSPORT_OPENED,
    /** The user's transport count went 1 to 0; the user is still connected on another. */
    TRANSPORT_CLOSED,
    /** The user's first connection anywhere in the cluster. */
    OPENED,
    /** The user's last connection anywhere in the cluster went. */
    CLOSED
  }

  /** A user that a sweep of a dead node closed, on a transport. */
  public record Closed(String transport, String user, Transition transition) {}

  /**
   * The cluster's sets at one version: {@code <t>|<user>} for every transport that has the user.
   */
  public record Snapshot(long version, List<String> fields) {}

  /** The version's field in the users hash. */
  static final String VERSION = "#v";

  private static final String COMMON =
      """
      local function changed(prefix, channel, actor, field, transition)
        local v = redis.call('HINCRBY', prefix .. ':users', '#v', 1)
        local function f(x) return #x .. ':' .. x end
        redis.call('PUBLISH', channel,
          f('p') .. f(actor) .. f(field) .. f(transition) .. f(string.format('%d', v)))
        return transition
      end
      local function join(prefix, channel, actor, node, field)
        if redis.call('HSETNX', prefix .. ':conn:' .. node, field, '1') == 0 then return 'NONE' end
        local users = prefix .. ':users'
        local t = redis.call('HINCRBY', users, field, 1)
        local any = redis.call('HINCRBY', users, '*|' .. string.sub(field, 3), 1)
        if any == 1 then return changed(prefix, channel, actor, field, 'OPENED') end
        if t == 1 then return changed(prefix, channel, actor, field, 'TRANSPORT_OPENED') end
        return 'NONE'
      end
      local function leave(prefix, channel, actor, node, field)
        if redis.call('HDEL', prefix .. ':conn:' .. node, field) == 0 then return 'NONE' end
        local users = prefix .. ':users'
        local t = redis.call('HINCRBY', users, field, -1)
        if t <= 0 then redis.call('HDEL', users, field) end
        local key = '*|' .. string.sub(field, 3)
        local any = redis.call('HINCRBY', users, key, -1)
        if any <= 0 then
          redis.call('HDEL', users, key)
          return changed(prefix, channel, actor, field, 'CLOSED')
        end
        if t <= 0 then return changed(prefix, channel, actor, field, 'TRANSPORT_CLOSED') end
        return 'NONE'
      end
      """;

  // KEYS: nodes; ARGV: prefix, channel, node, field
  private static final String JOIN =
      COMMON
          + """
          redis.call('SADD', KEYS[1], ARGV[3])
          return join(ARGV[1], ARGV[2], ARGV[3], ARGV[3], ARGV[4])
          """;

  // KEYS: nodes; ARGV: prefix, channel, node, field
  private static final String LEAVE =
      COMMON
          + """
          return leave(ARGV[1], ARGV[2], ARGV[3], ARGV[3], ARGV[4])
          """;

  // KEYS: nodes; ARGV: prefix, channel, node, field... : the node has exactly these now
  private static final String SYNC =
      COMMON
          + """
          local prefix, channel, node = ARGV[1], ARGV[2], ARGV[3]
          redis.call('SADD', KEYS[1], node)
          local want = {}
          for i = 4, #ARGV do want[ARGV[i]] = true end
          local changes = 0
          for _, field in ipairs(redis.call('HKEYS', prefix .. ':conn:' .. node)) do
            if not want[field] and leave(prefix, channel, node, node, field) ~= 'NONE' then
              changes = changes + 1
            end
          end
          for i = 4, #ARGV do
            if join(prefix, channel, node, node, ARGV[i]) ~= 'NONE' then changes = changes + 1 end
          end
          return changes
          """;

  // KEYS: nodes; ARGV: prefix, channel, sweeper. Returns field, transition, ... for each user left.
  private static final String SWEEP =
      COMMON
          + """
          local prefix, channel, actor = ARGV[1], ARGV[2], ARGV[3]
          local out = {}
          for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            if redis.call('EXISTS', prefix .. ':alive:' .. node) == 0 then
              for _, field in ipairs(redis.call('HKEYS', prefix .. ':conn:' .. node)) do
                table.insert(out, field)
                table.insert(out, leave(prefix, channel, actor, node, field))
              end
              redis.call('DEL', prefix .. ':conn:' .. node)
              redis.call('SREM', KEYS[1], node)
            end
          end
          return out
          """;

  // KEYS: nodes, alive; ARGV: node, ttl. Returns 1 when the node was not listed (new, or swept).
  private static final String HEARTBEAT =
      """
      redis.call('PSETEX', KEYS[2], ARGV[2], '1')
      return redis.call('SADD', KEYS[1], ARGV[1])
      """;

  private static final LuaScript JOIN_SCRIPT = LuaScript.of(JOIN);
  private static final LuaScript LEAVE_SCRIPT = LuaScript.of(LEAVE);
  private static final LuaScript SYNC_SCRIPT = LuaScript.of(SYNC);
  private static final LuaScript SWEEP_SCRIPT = LuaScript.of(SWEEP);
  private static final LuaScript HEARTBEAT_SCRIPT = LuaScript.of(HEARTBEAT);

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final String prefix;
  private final byte[] nodes;
  private final byte[] channel;

  /** Presence under the prefix (see {@link RedisBus#checkPrefix}). */
  public RedisPresence(StatefulRedisConnection<byte[], byte[]> connection, String prefix) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.prefix = RedisBus.checkPrefix(prefix);
    this.nodes = bytes(prefix + ":nodes");
    this.channel = bytes(RedisBus.channelOf(prefix));
  }

  /** The field of a user on a transport ({@code w} or {@code a}). */
  public static String field(String transport, String user) {
    if (!"w".equals(transport) && !"a".equals(transport)) {
      throw new IllegalArgumentException("transport is w or a: " + transport);
    }
    return transport + "|" + Objects.requireNonNull(user, "user");
  }

  /**
   * The node's heartbeat: it counts as alive for {@code ttlMillis} more. True when the node was not
   * listed: it is new, or it was swept as dead (and should {@link #sync} its users again).
   */
  public CompletionStage<Boolean> heartbeat(String node, long ttlMillis) {
    return HEARTBEAT_SCRIPT
        .<Long>run(
            connection,
            ScriptOutputType.INTEGER,
            new byte[][] {nodes, bytes(prefix + ":alive:" + node)},
            new byte[][] {bytes(node), bytes(ttlMillis)})
        .thenApply(added -> added == 1L);
  }

  /** The node leaves at once: its alive key goes, so the next sweep takes its users. */
  public CompletionStage<Long> stopHeartbeat(String node) {
    return connection.async().del(bytes(prefix + ":alive:" + node));
  }

  /** The node has the user connected on the transport ({@code w} or {@code a}) now. */
  public CompletionStage<Transition> join(String node, String transport, String user) {
    return run(JOIN_SCRIPT, node, field(transport, user));
  }

  /** The node no longer has the user connected on the transport. */
  public CompletionStage<Transition> leave(String node, String transport, String user) {
    return run(LEAVE_SCRIPT, node, field(transport, user));
  }

  private CompletionStage<Transition> run(LuaScript script, String node, String field) {
    byte[][] args = {bytes(prefix), channel, bytes(node), bytes(field)};
    return script
        .<byte[]>run(connection, ScriptOutputType.VALUE, new byte[][] {nodes}, args)
        .thenApply(r -> Transition.valueOf(text(r)));
  }

  /**
   * The node has exactly these {@link #field fields} now: those it had in Redis and not here are
   * left, the others joined. Returns how many transitions that made.
   */
  public CompletionStage<Long> sync(String node, Collection<String> fields) {
    byte[][] args = new byte[3 + fields.size()][];
    args[0] = bytes(prefix);
    args[1] = channel;
    args[2] = bytes(node);
    int i = 3;
    for (String field : fields) {
      args[i++] = bytes(field);
    }
    return SYNC_SCRIPT.run(connection, ScriptOutputType.INTEGER, new byte[][] {nodes}, args);
  }

  /**
   * Leaves every user of every node whose heartbeat has stopped, {@code sweeper} named as the node
   * that made the changes; returns what that closed.
   */
  public CompletionStage<List<Closed>> sweep(String sweeper) {
    byte[][] args = {bytes(prefix), channel, bytes(sweeper)};
    return SWEEP_SCRIPT
        .<List<Object>>run(connection, ScriptOutputType.MULTI, new byte[][] {nodes}, args)
        .thenApply(
            r -> {
              List<Closed> out = new ArrayList<>(r.size() / 2);
              for (int i = 0; i + 1 < r.size(); i += 2) {
                String field = text(r.get(i));
                out.add(
                    new Closed(
                        field.substring(0, 1),
                        field.substring(2),
                        Transition.valueOf(text(r.get(i + 1)))));
              }
              return out;
            });
  }

  /** The cluster's counts now: {@code <t>|<user>} and {@code *|<user>} to how many have them. */
  public CompletionStage<Map<String, Long>> counts() {
    return connection
        .async()
        .hgetall(bytes(prefix + ":users"))
        .thenApply(
            all -> {
              Map<String, Long> out = new LinkedHashMap<>();
              all.forEach(
                  (k, v) -> {
                    String key = text(k);
                    if (!VERSION.equals(key)) {
                      out.put(key, Long.parseLong(text(v)));
                    }
                  });
              return out;
            });
  }

  /** The sets and their version, read at once. */
  public CompletionStage<Snapshot> snapshot() {
    return connection
        .async()
        .hgetall(bytes(prefix + ":users"))
        .thenApply(
            all -> {
              long version = 0;
              List<String> fields = new ArrayList<>();
              for (Map.Entry<byte[], byte[]> e : all.entrySet()) {
                String key = text(e.getKey());
                if (VERSION.equals(key)) {
                  version = Long.parseLong(text(e.getValue()));
                } else if (!key.startsWith("*|")) {
                  fields.add(key);
                }
              }
              return new Snapshot(version, fields);
            });
  }
}
