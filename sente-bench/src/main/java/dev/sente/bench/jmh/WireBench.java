package dev.sente.bench.jmh;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.json.JsonPacker;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two halves of a request/reply with the JSON packer: the server reading a client's event with
 * its callback id, and packing the reply.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main WireBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WireBench {

  private Protocol protocol;
  private Packed request;
  private Object replyValue;

  /** Builds the values once. */
  @Setup
  public void setUp() {
    protocol = Protocol.of(JsonPacker.create());
    request =
        protocol.clientEvent(
            Event.of("bench/echo", Map.of("seq", 17, "text", "hello world")), "17");
    replyValue = Map.of("seq", 17, "text", "hello world");
  }

  /** The server reading one client event with a callback id (request/reply, incoming). */
  @Benchmark
  public Optional<Event> readRequest() {
    return protocol.readEvent(protocol.read(request).payload());
  }

  /** The server packing one reply (request/reply, outgoing). */
  @Benchmark
  public Packed packReply() {
    return protocol.reply(replyValue, "17");
  }
}
