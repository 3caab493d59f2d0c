package dev.sente.redis.internal;

import static dev.sente.redis.internal.LuaScript.bytes;
import static dev.sente.redis.internal.LuaScript.text;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The cluster's connected users on Redis (the first part of cluster-wide presence; the engine does
 * not use it yet). Each node records which of its users are connected on which transport, and Redis
 * counts, for each user, the nodes and transports that have them, so that the transitions of the
 * whole cluster (a user's first connection anywhere, a user's last) are decided in one place, once.
 *
 * <p><b>Keys</b>, under the prefix: {@code <prefix>:nodes} (a set of node ids), {@code
 * <prefix>:alive:<node>} (a key that expires unless the node's heartbeat renews it), {@code
 * <prefix>:conn:<node>} (a hash: field {@code <t>|<user>} for each transport {@code t}, {@code w}
 * or {@code a}, on which the node has the user; it has no expiry, so that a dead node's users are
 * still known when it is swept), {@code <prefix>:users} (a hash: {@code <t>|<user>} and {@code
 * *|<user>}, the number of node-transport pairs that have the user).
 *
 * <p><b>Atomic</b>: a join, a leave and a sweep are each one Lua script; a join by a node that has
 * the user on that transport already, or a leave by one that has not, changes nothing, so a retry
 * is harmless. A sweep takes every node whose {@code alive} key is gone and leaves all its users.
 * The scripts name only their first keys; they touch others under the prefix, which a single Redis
 * allows (Redis Cluster would not).
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

  private static final String COMMON =
      """
      local function leave(prefix, node, field, user)
        if redis.call('HDEL', prefix .. ':conn:' .. node, field) == 0 then return 'NONE' end
        local users = prefix .. ':users'
        local t = redis.call('HINCRBY', users, field, -1)
        if t <= 0 then redis.call('HDEL', users, field) end
        local any = redis.call('HINCRBY', users, '*|' .. user, -1)
        if any <= 0 then redis.call('HDEL', users, '*|' .. user) return 'CLOSED' end
        if t <= 0 then return 'TRANSPORT_CLOSED' end
        return 'NONE'
      end
      """;

  // KEYS: nodes; ARGV: prefix, node, field, user
  private static final String JOIN =
      """
      local prefix, node, field, user = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
      redis.call('SADD', KEYS[1], node)
      if redis.call('HSETNX', prefix .. ':conn:' .. node, field, '1') == 0 then return 'NONE' end
      local users = prefix .. ':users'
      local t = redis.call('HINCRBY', users, field, 1)
      local any = redis.call('HINCRBY', users, '*|' .. user, 1)
      if any == 1 then return 'OPENED' end
      if t == 1 then return 'TRANSPORT_OPENED' end
      return 'NONE'
      """;

  // KEYS: nodes; ARGV: prefix, node, field, user
  private static final String LEAVE =
      COMMON
          + """
          return leave(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
          """;

  // KEYS: nodes; ARGV: prefix. Returns node, field, transition, ... for every user left.
  private static final String SWEEP =
      COMMON
          + """
          local prefix = ARGV[1]
          local out = {}
          for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            if redis.call('EXISTS', prefix .. ':alive:' .. node) == 0 then
              local fields = redis.call('HKEYS', prefix .. ':conn:' .. node)
              for _, field in ipairs(fields) do
                local user = string.sub(field, 3)
                local transition = leave(prefix, node, field, user)
                table.insert(out, field)
                table.insert(out, transition)
              end
              redis.call('DEL', prefix .. ':conn:' .. node)
              redis.call('SREM', KEYS[1], node)
            end
          end
          return out
          """;

  private static final LuaScript JOIN_SCRIPT = LuaScript.of(JOIN);
  private static final LuaScript LEAVE_SCRIPT = LuaScript.of(LEAVE);
  private static final LuaScript SWEEP_SCRIPT = LuaScript.of(SWEEP);

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final String prefix;
  private final byte[] nodes;

  /** Presence under the prefix (see {@link RedisBus#checkPrefix}). */
  public RedisPresence(StatefulRedisConnection<byte[], byte[]> connection, String prefix) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.prefix = RedisBus.checkPrefix(prefix);
    this.nodes = bytes(prefix + ":nodes");
  }

  private static String field(String transport, String user) {
    if (!"w".equals(transport) && !"a".equals(transport)) {
      throw new IllegalArgumentException("transport is w or a: " + transport);
    }
    return transport + "|" + Objects.requireNonNull(user, "user");
  }

  /** The node's heartbeat: it counts as alive for {@code ttlMillis} more. */
  public CompletionStage<String> heartbeat(String node, long ttlMillis) {
    return connection.async().psetex(bytes(prefix + ":alive:" + node), ttlMillis, bytes("1"));
  }

  /** The node has the user connected on the transport ({@code w} or {@code a}) now. */
  public CompletionStage<Transition> join(String node, String transport, String user) {
    return run(JOIN_SCRIPT, node, field(transport, user), user);
  }

  /** The node no longer has the user connected on the transport. */
  public CompletionStage<Transition> leave(String node, String transport, String user) {
    return run(LEAVE_SCRIPT, node, field(transport, user), user);
  }

  private CompletionStage<Transition> run(
      LuaScript script, String node, String field, String user) {
    byte[][] args = {bytes(prefix), bytes(node), bytes(field), bytes(user)};
    return script
        .<byte[]>run(connection, ScriptOutputType.VALUE, new byte[][] {nodes}, args)
        .thenApply(r -> Transition.valueOf(text(r)));
  }

  /** Leaves every user of every node whose heartbeat has stopped; returns what that closed. */
  public CompletionStage<List<Closed>> sweep() {
    return SWEEP_SCRIPT
        .<List<Object>>run(
            connection, ScriptOutputType.MULTI, new byte[][] {nodes}, new byte[][] {bytes(prefix)})
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
              all.forEach((k, v) -> out.put(text(k), Long.parseLong(text(v))));
              return out;
            });
  }
}
