package dev.sente.bench.jmh;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.json.JsonPacker;
import java.util.ArrayList;
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
 * Packing and unpacking a push batch of n events with the JSON packer: the server's side (pack) and
 * a client's (unpack).
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main BatchBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchBench {

  /** Events per push batch. */
  @Param({"1", "16", "128"})
  public int batch;

  private Protocol protocol;
  private List<Event> events;
  private Packed packedBatch;

  /** Builds the values once. */
  @Setup
  public void setUp() {
    protocol = Protocol.of(JsonPacker.create());
    events = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      events.add(Event.of("chat/msg", Map.of("text", "hello world", "n", i)));
    }
    packedBatch = protocol.push(events);
  }

  /** A server push of the batch, as it goes on the wire. */
  @Benchmark
  public Packed packBatch() {
    return protocol.push(events);
  }

  /** A client reading the batch back into events. */
  @Benchmark
  public List<Event> unpackBatch() {
    return protocol.readPush(protocol.read(packedBatch).payload());
  }
}
