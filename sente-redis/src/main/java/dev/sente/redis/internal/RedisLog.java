package dev.sente.redis.internal;

import static dev.sente.redis.internal.LuaScript.bytes;
import static dev.sente.redis.internal.LuaScript.text;

import dev.sente.server.cluster.Cluster.Appended;
import dev.sente.server.cluster.Cluster.Batch;
import dev.sente.server.cluster.Cluster.Read;
import dev.sente.server.cluster.Cluster.Unknown;
import dev.sente.server.cluster.Cluster.UpToDate;
import dev.sente.server.internal.DeliveryLog;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The delivery log on Redis, shared by every node: one stream per user, each event numbered 1, 2,
 * ... in the user's stream, with an epoch drawn when the stream is created, kept for a bounded
 * window (age and bytes per user), and read after a cursor by any node. The same numbering and gap
 * rules as the in-memory log, so that an Ajax poll or a WebSocket reconnect on any node reads what
 * its client missed.
 *
 * <p><b>Keys</b>, all under the prefix: {@code <prefix>:log:{<user>}} (a Redis stream; entry {@code
 * 0-n} is event {@code n}, with its append time {@code t}, size {@code s} and bytes {@code e}) and
 * {@code <prefix>:logmeta:{<user>}} (a hash: {@code epoch}, {@code seq}, the last number, and
 * {@code bytes}, the size kept). The stream expires a window after the user's last append, the hash
 * a day after the user's last append or read ({@link #META_TTL_MILLIS}), so an idle user's log
 * leaves Redis by itself; a log created again starts at 1 with a new epoch.
 *
 * <p><b>Atomic</b>: an append and a read are each one Lua script, timed by Redis's own clock (one
 * clock for every node), so numbers are consecutive under concurrent appends from any nodes.
 * Trimming happens in the scripts: by age on every append and read, by bytes on every append (the
 * newest event always stays).
 */
public final class RedisLog {

  private static final String TRIM_BY_AGE =
      """
      -- numbers as integers: Lua would write 1e+14 and beyond in exponent form
      local function int(n)
        return string.format('%d', n)
      end
      local function now()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      local function trimByAge(stream, meta, maxAge, at)
        local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
        while true do
          local e = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
          if #e == 0 then break end
          local f = e[1][2]
          if at - tonumber(f[2]) < maxAge then break end
          redis.call('XDEL', stream, e[1][1])
          bytes = bytes - tonumber(f[4])
        end
        redis.call('HSET', meta, 'bytes', int(bytes))
        return bytes
      end
      """;

  // KEYS: stream, meta; ARGV: new epoch, maxAge, maxBytes, metaTtl, channel, user, then size
  // and bytes of each event. Publishes the numbered events on the channel, in the script, so
  // that every node hears one user's appends in the order of their numbers.
  private static final String APPEND =
      TRIM_BY_AGE
          + """
          local stream, meta = KEYS[1], KEYS[2]
          local maxAge, maxBytes = tonumber(ARGV[2]), tonumber(ARGV[3])
          local at = now()
          local epoch = redis.call('HGET', meta, 'epoch')
          if not epoch then
            redis.call('DEL', stream)
            epoch = ARGV[1]
            redis.call('HSET', meta, 'epoch', epoch, 'seq', 0, 'bytes', 0)
          end
          local bytes = trimByAge(stream, meta, maxAge, at)
          local seq = tonumber(redis.call('HGET', meta, 'seq'))
          local function field(v) return #v .. ':' .. v end
          local msg = {field('a'), field(ARGV[6]), field(epoch), field(int(seq + 1))}
          for i = 7, #ARGV, 2 do
            seq = seq + 1
            redis.call('XADD', stream, '0-' .. int(seq), 't', int(at), 's', ARGV[i], 'e', ARGV[i + 1])
            bytes = bytes + tonumber(ARGV[i])
            msg[#msg + 1] = field(ARGV[i + 1])
          end
          while bytes > maxBytes and redis.call('XLEN', stream) > 1 do
            local e = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
            redis.call('XDEL', stream, e[1][1])
            bytes = bytes - tonumber(e[1][2][4])
          end
          redis.call('HSET', meta, 'seq', int(seq), 'bytes', int(bytes))
          redis.call('PEXPIRE', stream, maxAge)
          redis.call('PEXPIRE', meta, ARGV[4])
          redis.call('PUBLISH', ARGV[5], table.concat(msg))
          return {epoch, seq}
          """;

  // KEYS: stream, meta; ARGV: epoch, after, maxBytes, maxAge, new epoch, metaTtl. A user
  // without a log gets one (no events, the new epoch), so every node places its clients in the
  // epoch the next append will use.
  private static final String READ =
      TRIM_BY_AGE
          + """
          local stream, meta = KEYS[1], KEYS[2]
          local epoch = redis.call('HGET', meta, 'epoch')
          if not epoch then
            redis.call('DEL', stream)
            epoch = ARGV[5]
            redis.call('HSET', meta, 'epoch', epoch, 'seq', 0, 'bytes', 0)
          end
          redis.call('PEXPIRE', meta, ARGV[6])
          trimByAge(stream, meta, tonumber(ARGV[4]), now())
          local last = tonumber(redis.call('HGET', meta, 'seq'))
          local after = tonumber(ARGV[2])
          if epoch ~= ARGV[1] or after < 0 or after > last then
            return {'unknown', epoch, last}
          end
          if after == last then return {'uptodate', epoch, last} end
          -- the events after the cursor that follow each other; numbers before the first that
          -- are not kept (trimmed, or skipped as lost) are missed, and so are all up to the last
          -- when none after the cursor is kept
          local out = {'batch', epoch, after, 0}
          local budget, taken, expect = tonumber(ARGV[3]), 0, after + 1
          local entries = redis.call('XRANGE', stream, '0-' .. int(after + 1), '+', 'COUNT', 1000)
          for _, e in ipairs(entries) do
            local seq = tonumber(string.sub(e[1], 3))
            if seq ~= expect then
              if #out > 4 then break end
              out[4] = seq - after - 1
            end
            local size = tonumber(e[2][4])
            if taken > 0 and taken + size > budget then break end
            taken = taken + size
            out[3] = seq
            expect = seq + 1
            table.insert(out, e[2][6])
          end
          if #out == 4 then
            out[3] = last
            out[4] = last - after
          end
          return out
          """;

  // KEYS: stream, meta; ARGV: count, metaTtl, channel, user. Numbers count events that are not
  // kept, so that every reader after them is told of a gap; nothing for a user without a log.
  private static final String SKIP =
      """
      local meta = KEYS[2]
      local epoch = redis.call('HGET', meta, 'epoch')
      if not epoch then return {'', 0} end
      local seq = redis.call('HINCRBY', meta, 'seq', tonumber(ARGV[1]))
      redis.call('PEXPIRE', meta, ARGV[2])
      local function field(v) return #v .. ':' .. v end
      redis.call('PUBLISH', ARGV[3],
        field('g') .. field(ARGV[4]) .. field(epoch) .. field(string.format('%d', seq)))
      return {epoch, seq}
      """;

  private static final LuaScript APPEND_SCRIPT = LuaScript.of(APPEND);
  private static final LuaScript SKIP_SCRIPT = LuaScript.of(SKIP);
  private static final LuaScript READ_SCRIPT = LuaScript.of(READ);
  static final String APPEND_SHA = APPEND_SCRIPT.sha();

  /**
   * How long a user's epoch and last number stay in Redis after the user's last append or read: a
   * day, or the window when that is longer. Longer than the events themselves, so that a client
   * connected to a user that gets no push for a while keeps its epoch (a new epoch would report a
   * gap to it); about 100 bytes per user.
   */
  static final long META_TTL_MILLIS = 24 * 3600 * 1000L;

  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final String prefix;
  private final byte[] channel;
  private final long maxAgeMillis;
  private final long maxUserBytes;
  private final long metaTtlMillis;

  /**
   * A log on the connection.
   *
   * @param prefix the namespace of its keys (see {@link RedisBus#start})
   * @param maxAgeMillis how long an event is kept, above 0
   * @param maxUserBytes bytes of events kept per user, above 0 (the newest event stays anyway)
   */
  public RedisLog(
      StatefulRedisConnection<byte[], byte[]> connection,
      String prefix,
      long maxAgeMillis,
      long maxUserBytes) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.prefix = RedisBus.checkPrefix(prefix);
    if (maxAgeMillis <= 0 || maxUserBytes <= 0) {
      throw new IllegalArgumentException(
          "maxAgeMillis and maxUserBytes must be above 0: " + maxAgeMillis + ", " + maxUserBytes);
    }
    this.maxAgeMillis = maxAgeMillis;
    this.maxUserBytes = maxUserBytes;
    this.metaTtlMillis = Math.max(META_TTL_MILLIS, maxAgeMillis);
    this.channel = bytes(RedisBus.channelOf(prefix));
  }

  private byte[][] keys(String user) {
    return new byte[][] {
      bytes(prefix + ":log:{" + user + "}"), bytes(prefix + ":logmeta:{" + user + "}")
    };
  }

  private static long number(Object value) {
    return value instanceof Long n ? n : Long.parseLong(text(value));
  }

  /**
   * Appends the events to the user's stream, numbered in order after its last (at least one), and
   * publishes them, numbered, on the bus channel ({@link BusMessages}).
   */
  public CompletionStage<Appended> append(String user, List<byte[]> events) {
    Objects.requireNonNull(user, "user");
    if (events.isEmpty()) {
      throw new IllegalArgumentException("append needs at least one event");
    }
    List<byte[]> args = new ArrayList<>(6 + 2 * events.size());
    args.add(bytes(DeliveryLog.newEpoch())); // epochs like the in-memory log's
    args.add(bytes(maxAgeMillis));
    args.add(bytes(maxUserBytes));
    args.add(bytes(metaTtlMillis));
    args.add(channel);
    args.add(bytes(user));
    for (byte[] event : events) {
      args.add(bytes(event.length));
      args.add(event);
    }
    CompletionStage<List<Object>> reply =
        APPEND_SCRIPT.run(
            connection, ScriptOutputType.MULTI, keys(user), args.toArray(new byte[0][]));
    return reply.thenApply(r -> new Appended(text(r.get(0)), number(r.get(1))));
  }

  /**
   * Numbers {@code count} events that are not kept (they reached one node's clients only, while the
   * log was away from it): a reader whose cursor is before them is told of a gap, and every node
   * hears a {@code g} message. A user without a log gets nothing ({@code epoch} empty).
   */
  public CompletionStage<Appended> skip(String user, long count) {
    Objects.requireNonNull(user, "user");
    if (count < 1) {
      throw new IllegalArgumentException("skip needs a count of at least 1: " + count);
    }
    byte[][] args = {bytes(count), bytes(metaTtlMillis), channel, bytes(user)};
    CompletionStage<List<Object>> reply =
        SKIP_SCRIPT.run(connection, ScriptOutputType.MULTI, keys(user), args);
    return reply.thenApply(r -> new Appended(text(r.get(0)), number(r.get(1))));
  }

  /**
   * Reads the user's stream after the cursor {@code (epoch, afterSeq)}: at most {@code maxBytes} of
   * events (at least one), or up to date, or unknown (see {@link Read}). A user without a log gets
   * one, empty, so an unknown result always names the epoch the next append will use.
   */
  public CompletionStage<Read> read(String user, String epoch, long afterSeq, long maxBytes) {
    Objects.requireNonNull(user, "user");
    byte[][] args = {
      bytes(epoch == null ? "" : epoch),
      bytes(afterSeq),
      bytes(maxBytes),
      bytes(maxAgeMillis),
      bytes(DeliveryLog.newEpoch()),
      bytes(metaTtlMillis)
    };
    CompletionStage<List<Object>> reply =
        READ_SCRIPT.run(connection, ScriptOutputType.MULTI, keys(user), args);
    return reply.thenApply(RedisLog::toRead);
  }

  private static Read toRead(List<Object> r) {
    String kind = text(r.get(0));
    String epoch = text(r.get(1));
    long last = number(r.get(2));
    switch (kind) {
      case "unknown":
        return new Unknown(epoch.isEmpty() ? null : epoch, last);
      case "uptodate":
        return new UpToDate(epoch, last);
      default:
        List<byte[]> events = new ArrayList<>(r.size() - 4);
        for (int i = 4; i < r.size(); i++) {
          events.add((byte[]) r.get(i));
        }
        return new Batch(epoch, last, number(r.get(3)), List.copyOf(events));
    }
  }
}
