package dev.sente.bench.jmh;

import dev.sente.core.Event;
import dev.sente.server.internal.Cursor;
import dev.sente.server.internal.DeliveryLog;
import dev.sente.server.internal.ReadResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The delivery log at many users with its default bounds (2 minutes, 1 MiB per user, 64 MiB in
 * total): an append of one event to the next user in turn, alone or followed by the read of that
 * user's client cursor. The clock moves 1 ms every 100 operations, so the log runs in its steady
 * state: full to its total bound, evicting the oldest and trimming by age as it goes. Time per
 * operation.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main DeliveryLogBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeliveryLogBench {
  private static final Event EVENT = Event.of("chat/msg", Map.of("text", "hello world"));
  private static final List<Event> ONE = List.of(EVENT);
  private static final int[] SIZE = {100};

  /** Users with a stream and one client cursor each. */
  @Param({"10000"})
  public int users;

  private DeliveryLog log;
  private String[] names;
  private Cursor[] cursors;
  private long ops;
  private int next;

  /** Opens a cursor per user. */
  @Setup
  public void setUp() {
    log =
        new DeliveryLog(
            () -> ops / 100,
            DeliveryLog.DEFAULT_MAX_AGE_MILLIS,
            DeliveryLog.DEFAULT_MAX_USER_BYTES,
            DeliveryLog.DEFAULT_MAX_TOTAL_BYTES);
    names = new String[users];
    cursors = new Cursor[users];
    for (int i = 0; i < users; i++) {
      names[i] = "user-" + i;
      cursors[i] = log.open(names[i], () -> {});
    }
  }

  private int nextUser() {
    ops++;
    int user = next;
    next = user + 1 == users ? 0 : user + 1;
    return user;
  }

  /** One event appended to a user's stream. */
  @Benchmark
  public long append() {
    return log.append(names[nextUser()], ONE, SIZE);
  }

  /** One event appended, then taken by the user's client (the drain of one WebSocket). */
  @Benchmark
  public ReadResult appendAndRead() {
    int user = nextUser();
    log.append(names[user], ONE, SIZE);
    return cursors[user].next(64 * 1024);
  }

  /** One event appended and read back by a stateless read with the client's cursor (a poll). */
  @Benchmark
  public ReadResult appendAndPoll() {
    int user = nextUser();
    String name = names[user];
    long last = log.append(name, ONE, SIZE);
    return log.read(name, cursors[user].epoch(), last - 1, 64 * 1024);
  }
}
