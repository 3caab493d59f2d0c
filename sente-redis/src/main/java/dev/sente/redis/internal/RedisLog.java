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
 * <p><b>Keys</b>, all under the prefix: {@code <prefix>:log:{<user>}} (a Redis stream; one entry
 * per append of up to 1,000 events: entry {@code 0-n} holds the events numbered up to {@code n},
 * with their append time {@code t}, their size {@code s} and, for each, {@code e} and its bytes; an
 * entry of one event is the layout of earlier versions, which read the same) and {@code
 * <prefix>:logmeta:{<user>}} (a hash: {@code epoch}, {@code seq}, the last number, {@code bytes},
 * the size kept, {@code head}, a time no later than the oldest kept entry's, and {@code x}, when
 * the expiries were last set). The stream expires between one window and one window and an eighth
 * after the user's last append (its expiry is set again once an eighth of the window has passed,
 * not on every append), the hash a day after the user's last append or read ({@link
 * #META_TTL_MILLIS}), so an idle user's log leaves Redis by itself; a log created again starts at 1
 * with a new epoch.
 *
 * <p><b>Atomic</b>: an append (of one or several users' events) and a read are each one Lua script,
 * timed by Redis's own clock (one clock for every node), so numbers are consecutive under
 * concurrent appends from any nodes. Trimming happens in the scripts: by age on every append and
 * read, by bytes on every append, whole entries at a time (the newest append always stays).
 */
public final class RedisLog {

  // The helpers of the scripts. trim: the oldest entries go while they are past the age, or while
  // the bytes kept are over maxBytes (nil: no bound) and the oldest is not the newest, number
  // last. head is a time no later than the oldest kept entry's append time, so nothing is read
  // while no event can be old enough (the usual case: one HMGET, no XRANGE, per append).
  private static final String HELPERS =
      """
      -- events in one stream entry at most (the arguments of one XADD stay far under Lua's stack)
      local ENTRY_EVENTS = 1000
      -- numbers as integers: Lua would write 1e+14 and beyond in exponent form
      local function int(n)
        return string.format('%d', n)
      end
      local function now()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      local function field(v) return #v .. ':' .. v end
      local function trim(stream, bytes, head, at, maxAge, maxBytes, last)
        while at - head >= maxAge or (maxBytes and bytes > maxBytes) do
          local e = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
          if #e == 0 then return 0, at end
          local id, f = e[1][1], e[1][2]
          local t = tonumber(f[2])
          local old = at - t >= maxAge
          local over = maxBytes and bytes > maxBytes and id ~= '0-' .. int(last)
          if not old and not over then return bytes, t end
          redis.call('XDEL', stream, id)
          bytes = bytes - tonumber(f[4])
        end
        return bytes, head
      end
      """;

  // KEYS: the stream and meta of each user in turn; ARGV: maxAge, maxBytes, metaTtl, channel,
  // refresh, streamTtl, then for each user: the user, a new epoch (used when the user has no log),
  // the number of events, then the bytes of each event. One user may come several times: each
  // append is numbered after the one before it. Each append is one stream entry (or one per
  // ENTRY_EVENTS events), its id the number of its last event. The keys' expiry is set again once
  // a refresh has passed since the last time ('x'), not on every append. Publishes one message with
  // every user's numbered events ('b'), in the script, so that every node hears one user's
  // appends in the order of their numbers. Returns the epoch and last number of each append.
  private static final String APPEND =
      HELPERS
          + """
          local maxAge, maxBytes, metaTtl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
          local refresh, streamTtl = tonumber(ARGV[5]), ARGV[6]
          local at = now()
          local msg, out, a = {field('b')}, {}, 7
          for k = 1, #KEYS, 2 do
            local stream, meta = KEYS[k], KEYS[k + 1]
            local user, n = ARGV[a], tonumber(ARGV[a + 2])
            local m = redis.call('HMGET', meta, 'epoch', 'seq', 'bytes', 'head', 'x')
            local epoch, seq = m[1], tonumber(m[2] or '0')
            local bytes, head = tonumber(m[3] or '0'), tonumber(m[4] or '0')
            local x = tonumber(m[5] or '0')
            if not epoch then
              redis.call('DEL', stream)
              epoch, seq, bytes, head, x = ARGV[a + 1], 0, 0, at, 0
            end
            a = a + 3
            msg[#msg + 1] = field(user) .. field(epoch) .. field(int(seq + 1)) .. field(int(n))
            local done = 0
            while done < n do
              local c = math.min(n - done, ENTRY_EVENTS)
              local entry = {'XADD', stream, '0-' .. int(seq + c), 't', int(at), 's', '0'}
              local size = 0
              for i = 1, c do
                local e = ARGV[a]
                a = a + 1
                size = size + #e
                entry[#entry + 1] = 'e'
                entry[#entry + 1] = e
                msg[#msg + 1] = field(e)
              end
              entry[7] = int(size)
              redis.call(unpack(entry))
              seq, bytes, done = seq + c, bytes + size, done + c
            end
            bytes, head = trim(stream, bytes, head, at, maxAge, maxBytes, seq)
            local state = {'HSET', meta, 'epoch', epoch, 'seq', int(seq), 'bytes', int(bytes),
              'head', int(head)}
            local expire = at - x >= refresh
            if expire then
              state[#state + 1] = 'x'
              state[#state + 1] = int(at)
            end
            redis.call(unpack(state))
            if expire then
              redis.call('PEXPIRE', stream, streamTtl)
              redis.call('PEXPIRE', meta, metaTtl)
            end
            out[#out + 1] = epoch
            out[#out + 1] = seq
          end
          redis.call('PUBLISH', ARGV[4], table.concat(msg))
          return out
          """;

  // KEYS: stream, meta; ARGV: epoch, after, maxBytes, maxAge, new epoch, metaTtl. A user
  // without a log gets one (no events, the new epoch), so every node places its clients in the
  // epoch the next append will use.
  private static final String READ =
      HELPERS
          + """
          local stream, meta = KEYS[1], KEYS[2]
          local at = now()
          local m = redis.call('HMGET', meta, 'epoch', 'seq', 'bytes', 'head')
          local epoch = m[1]
          if not epoch then
            redis.call('DEL', stream)
            epoch = ARGV[5]
            m = {epoch, '0', '0', int(at)}
            redis.call('HSET', meta, 'epoch', epoch, 'seq', 0, 'bytes', 0, 'head', m[4])
          end
          redis.call('PEXPIRE', meta, ARGV[6])
          local kept, head = tonumber(m[3] or '0'), tonumber(m[4] or '0')
          local keptNow, headNow = trim(stream, kept, head, at, tonumber(ARGV[4]), nil, nil)
          if keptNow ~= kept or headNow ~= head then
            redis.call('HSET', meta, 'bytes', int(keptNow), 'head', int(headNow))
          end
          local last = tonumber(m[2])
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
          -- takes the event numbered seq (the next after the ones taken, or after a gap before
          -- the first); false when the batch is full
          local function take(seq, event)
            if seq ~= expect then
              if #out > 4 then return false end
              out[4] = seq - after - 1
            end
            if taken > 0 and taken + #event > budget then return false end
            taken = taken + #event
            out[3] = seq
            expect = seq + 1
            out[#out + 1] = event
            return true
          end
          local from, full = after + 1, false
          while not full do
            local entries = redis.call('XRANGE', stream, '0-' .. int(from), '+', 'COUNT', 64)
            if #entries == 0 then break end
            for _, e in ipairs(entries) do
              -- an entry is one append: 't', 's', then 'e' and the bytes of each event; its id
              -- the number of its last
              local f, newest = e[2], tonumber(string.sub(e[1], 3))
              local count = (#f - 4) / 2
              local first = newest - count + 1
              for i = math.max(1, expect - first + 1), count do
                if not take(first + i - 1, f[4 + 2 * i]) then
                  full = true
                  break
                end
              end
              if full then break end
              from = newest + 1
            end
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
  private final long refreshMillis;

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
    this.refreshMillis = Math.max(1, maxAgeMillis / 8);
    this.metaTtlMillis = Math.max(META_TTL_MILLIS, maxAgeMillis) + refreshMillis;
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

  /** One user's events, for {@link #append(List)}. */
  public record UserEvents(String user, List<byte[]> events) {
    public UserEvents {
      Objects.requireNonNull(user, "user");
      if (events.isEmpty()) {
        throw new IllegalArgumentException("append needs at least one event");
      }
    }

    /** The bytes of its events. */
    public long bytes() {
      long sum = 0;
      for (byte[] event : events) {
        sum += event.length;
      }
      return sum;
    }
  }

  /**
   * Appends the events to the user's stream, numbered in order after its last (at least one), and
   * publishes them, numbered, on the bus channel ({@link BusMessages}).
   */
  public CompletionStage<Appended> append(String user, List<byte[]> events) {
    return append(List.of(new UserEvents(user, events))).thenApply(all -> all.get(0));
  }

  /**
   * Appends each user's events, in the order given, in one script: one round trip and one bus
   * message for all of them. The result has one {@link Appended} for each, in the same order.
   */
  public CompletionStage<List<Appended>> append(List<UserEvents> appends) {
    if (appends.isEmpty()) {
      throw new IllegalArgumentException("append needs at least one user's events");
    }
    byte[][] keys = new byte[2 * appends.size()][];
    List<byte[]> args = new ArrayList<>(6 + 4 * appends.size());
    args.add(bytes(maxAgeMillis));
    args.add(bytes(maxUserBytes));
    args.add(bytes(metaTtlMillis));
    args.add(channel);
    args.add(bytes(refreshMillis));
    args.add(bytes(maxAgeMillis + refreshMillis));
    int k = 0;
    for (UserEvents append : appends) {
      byte[][] userKeys = keys(append.user());
      keys[k++] = userKeys[0];
      keys[k++] = userKeys[1];
      args.add(bytes(append.user()));
      args.add(bytes(DeliveryLog.newEpoch())); // epochs like the in-memory log's
      args.add(bytes(append.events().size()));
      args.addAll(append.events());
    }
    CompletionStage<List<Object>> reply =
        APPEND_SCRIPT.run(connection, ScriptOutputType.MULTI, keys, args.toArray(new byte[0][]));
    return reply.thenApply(
        r -> {
          List<Appended> out = new ArrayList<>(appends.size());
          for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(new Appended(text(r.get(i)), number(r.get(i + 1))));
          }
          if (out.size() != appends.size()) {
            throw new IllegalStateException(
                "the append script answered for " + out.size() + " of " + appends.size());
          }
          return out;
        });
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
