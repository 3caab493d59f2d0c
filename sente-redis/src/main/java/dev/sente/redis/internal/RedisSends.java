package dev.sente.redis.internal;

import static dev.sente.redis.internal.LuaScript.bytes;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The numbering of the events clients send, shared by the nodes: a client's numbered event (its
 * {@code cseq} in its {@code cepoch}) is claimed once in the cluster, whichever node a POST, or a
 * POST sent again, reaches. One hash per client, {@code <prefix>:sends:{<user>}:<client>}: the
 * client's epoch, {@code low} (every number up to it was claimed) and a field per number claimed
 * above it; it lives the resume window after the client's last claim. A new epoch (a new client
 * instance) starts the count again. At most {@link #MAX_ABOVE} numbers wait above {@code low}: past
 * that, {@code low} moves up to the lowest of them (the missing ones were not sent again in the
 * window).
 */
public final class RedisSends {

  /** How many numbers may be claimed above the lowest missing one. */
  static final int MAX_ABOVE = 1_000;

  // KEYS: hash; ARGV: epoch, seq, ttl, max
  private static final String CLAIM =
      """
      local key, epoch, seq = KEYS[1], ARGV[1], tonumber(ARGV[2])
      if redis.call('HGET', key, 'e') ~= epoch then
        redis.call('DEL', key)
        redis.call('HSET', key, 'e', epoch, 'low', 0)
      end
      local low = tonumber(redis.call('HGET', key, 'low'))
      local fresh = 0
      if seq > low and redis.call('HSETNX', key, 's' .. ARGV[2], 1) == 1 then
        fresh = 1
        while redis.call('HDEL', key, 's' .. string.format('%d', low + 1)) == 1 do
          low = low + 1
        end
        if redis.call('HLEN', key) - 2 > tonumber(ARGV[4]) then
          local lowest = nil
          for _, f in ipairs(redis.call('HKEYS', key)) do
            if string.sub(f, 1, 1) == 's' then
              local n = tonumber(string.sub(f, 2))
              if not lowest or n < lowest then lowest = n end
            end
          end
          low = lowest
          redis.call('HDEL', key, 's' .. string.format('%d', lowest))
          while redis.call('HDEL', key, 's' .. string.format('%d', low + 1)) == 1 do
            low = low + 1
          end
        end
        redis.call('HSET', key, 'low', string.format('%d', low))
      end
      redis.call('PEXPIRE', key, ARGV[3])
      return fresh
      """;

  private static final LuaScript CLAIM_SCRIPT = LuaScript.of(CLAIM);

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final String prefix;
  private final long ttlMillis;

  /** Claims under the prefix, kept {@code ttlMillis} after a client's last one. */
  public RedisSends(
      StatefulRedisConnection<byte[], byte[]> connection, String prefix, long ttlMillis) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.prefix = RedisBus.checkPrefix(prefix);
    this.ttlMillis = ttlMillis;
  }

  /** True the first time the client's event {@code seq} of {@code epoch} is claimed. */
  public CompletionStage<Boolean> claim(String user, String client, String epoch, long seq) {
    if (seq < 1) {
      throw new IllegalArgumentException("seq is at least 1: " + seq);
    }
    byte[] key =
        bytes(
            prefix
                + ":sends:{"
                + Objects.requireNonNull(user, "user")
                + "}:"
                + Objects.requireNonNull(client, "client"));
    byte[][] args = {
      bytes(Objects.requireNonNull(epoch, "epoch")), bytes(seq), bytes(ttlMillis), bytes(MAX_ABOVE)
    };
    return CLAIM_SCRIPT
        .<Long>run(connection, ScriptOutputType.INTEGER, new byte[][] {key}, args)
        .thenApply(fresh -> fresh == 1L);
  }
}
