package dev.sente.bench.jmh;

import dev.sente.core.Packed;
import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's outbound path on one fake WebSocket: a flushed push (pack, queue, write), pushes
 * that queue behind a slow write, pushes batched in the window, and a whole request/reply through
 * the engine (read, dispatch inline, reply, write). Per message.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main OutboundBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboundBench {
  private static final Map<String, Object> DATA = Map.of("text", "hello world");

  private ManualScheduler clock;
  private SenteServer sente;
  private FakeChannel immediate;
  private FakeChannel deferred;
  private FakeExchange socket;
  private Packed request;

  /** One server, with a fast socket (user a) and a slow one (user b). */
  @Setup
  public void setUp() {
    clock = new ManualScheduler();
    sente = Engines.create(clock);
    immediate = new FakeChannel(false);
    deferred = new FakeChannel(true);
    socket = Engines.connect(sente, "ca", "a", immediate);
    Engines.connect(sente, "cb", "b", deferred);
    deferred.completeAll();
    request = Packed.text("[[\"bench/echo\",{\"seq\":17,\"text\":\"hello world\"}],\"17\"]");
  }

  /** Closes the server. */
  @TearDown
  public void tearDown() {
    sente.close();
  }

  /** send(user, id, data, flush=true): pack one event and write it to the free socket. */
  @Benchmark
  public boolean sendFlushed() {
    return sente.send("a", "chat/msg", DATA, true);
  }

  /** 64 flushed sends queue behind a write in progress, then the writes complete one by one. */
  @Benchmark
  @OperationsPerInvocation(64)
  public void sendQueued() {
    for (int i = 0; i < 64; i++) {
      sente.send("b", "chat/msg", DATA, true);
    }
    deferred.completeAll();
  }

  /** 64 sends in one batching window, then the window closes: one frame of 64 events. */
  @Benchmark
  @OperationsPerInvocation(64)
  public void sendBatched() {
    for (int i = 0; i < 64; i++) {
      sente.send("a", "chat/msg", DATA);
    }
    clock.advance(sente.config().webSocketBatchMillis());
  }

  /** One request through the engine: read, dispatch (inline), handler, reply, write. */
  @Benchmark
  public long requestReply() {
    socket.listener.onMessage(request);
    return immediate.frames;
  }
}
