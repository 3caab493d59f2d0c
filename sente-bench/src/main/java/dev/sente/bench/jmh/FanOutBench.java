package dev.sente.bench.jmh;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fan-out to the many connections of one user (tabs, devices): one flushed send is packed once and
 * written to every connection. Time per send.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main FanOutBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBench {
  private static final Map<String, Object> DATA = Map.of("text", "hello world");

  /** Connections of the user. */
  @Param({"1", "10", "100", "1000"})
  public int connections;

  private SenteServer sente;

  /** Opens the user's connections. */
  @Setup
  public void setUp() {
    sente = Engines.create(new ManualScheduler());
    for (int i = 0; i < connections; i++) {
      Engines.connect(sente, "c" + i, "alice", new FakeChannel(false));
    }
  }

  /** Closes the server. */
  @TearDown
  public void tearDown() {
    sente.close();
  }

  /** One push to every connection of the user. */
  @Benchmark
  public boolean fanOut() {
    return sente.send("alice", "chat/msg", DATA, true);
  }
}
