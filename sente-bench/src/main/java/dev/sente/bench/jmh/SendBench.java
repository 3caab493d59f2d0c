package dev.sente.bench.jmh;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out to many users, as the push scenario of the load harness does: {@code send(user, ..)} to
 * each user in turn, one event per user per batching window, the window closing after every round
 * (so each frame carries one event: batching cannot help). Time per send, delivery included.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main SendBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SendBench {

  /** Users, one connection each. */
  @Param({"100", "10000"})
  public int users;

  private ManualScheduler clock;
  private SenteServer sente;
  private String[] ids;
  private int next;

  /** Connects the users. */
  @Setup
  public void setUp() {
    clock = new ManualScheduler();
    sente = Engines.create(clock);
    ids = new String[users];
    for (int i = 0; i < users; i++) {
      ids[i] = "u" + i;
      Engines.connect(sente, "c" + i, "u" + i, new FakeChannel(false));
    }
  }

  /** Closes the server. */
  @TearDown
  public void tearDown() {
    sente.close();
  }

  /** One send; after a round over all users the batching window closes and delivers. */
  @Benchmark
  public boolean send() {
    // a fresh String per send, as an application's ids are: lookups compare contents
    boolean sent = sente.send(new String(ids[next]), "chat/msg", 42L);
    if (++next == users) {
      next = 0;
      clock.advance(sente.config().webSocketBatchMillis());
    }
    return sent;
  }
}
