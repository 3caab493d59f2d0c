package dev.sente.bench.jmh;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * The cost of a resume: a WebSocket client that asks for resume reconnects with a cursor {@code
 * behind} (or one more) events back, and the server answers its handshake, reads the events from
 * the delivery log, packs them into numbered push frames (at most 1 MiB each) and writes them to
 * the socket, which completes each write at once. Time per reconnect, handshake and replay
 * included; the socket is closed after each (its client entry stays through the grace period, as on
 * a real reconnect).
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main ReplayBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReplayBench {
  private static final Map<String, Object> DATA = Map.of("text", "hello world", "n", 12345);
  private static final Pattern EPOCH = Pattern.compile("\"epoch\":\"([^\"]+)\"");
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  /** How many events the reconnecting client missed. */
  @Param({"1000"})
  public int behind;

  private SenteServer sente;
  private String epoch;
  private String[] seqs;
  private int turn;
  private long frames;

  /** Connects a resume client, then pushes {@code behind} events to its user. */
  @Setup
  public void setUp() {
    sente = Engines.create(new ManualScheduler());
    FakeChannel probeChannel = new FakeChannel(false);
    FakeExchange probe = open(probeChannel, null, null);
    Matcher e = EPOCH.matcher(probeChannel.firstText);
    Matcher s = SEQ.matcher(probeChannel.firstText);
    if (!e.find() || !s.find()) {
      throw new IllegalStateException("resume not granted: " + probeChannel.firstText);
    }
    epoch = e.group(1);
    long seq = Long.parseLong(s.group(1));
    seqs = new String[] {Long.toString(seq), Long.toString(seq + 1)};
    probe.listener.onClose(1000, "");
    for (int i = 0; i <= behind; i++) {
      sente.send("alice", "chat/msg", DATA, true);
    }
  }

  private FakeExchange open(FakeChannel channel, String epoch, String seq) {
    Map<String, List<String>> query =
        epoch == null
            ? Map.of("client-id", List.of("r"), "uid", List.of("alice"), "ext", List.of("resume"))
            : Map.of(
                "client-id", List.of("r"),
                "uid", List.of("alice"),
                "ext", List.of("resume"),
                "epoch", List.of(epoch),
                "seq", List.of(seq));
    FakeExchange exchange = new FakeExchange(query, channel);
    sente.endpoint().handle(exchange);
    if (exchange.listener == null) {
      throw new IllegalStateException("not upgraded: " + exchange.status + " " + exchange.body);
    }
    return exchange;
  }

  /** Checks that every reconnect got its handshake and at least one push frame. */
  @TearDown
  public void tearDown() {
    sente.close();
    if (frames == 0) {
      throw new IllegalStateException("no replay was written");
    }
  }

  /**
   * One reconnect with the cursor {@code behind} events back (or one more), alternately, so that
   * each replay reads and packs its range anew: handshake and replay written.
   */
  @Benchmark
  public long replay() {
    turn ^= 1;
    return reconnect(seqs[turn]);
  }

  /**
   * One reconnect with the cursor at the same place each time: the range's frame comes packed from
   * the stream's cache, as for the second of a user's clients resuming from the same event.
   */
  @Benchmark
  public long replaySameCursor() {
    return reconnect(seqs[1]);
  }

  private long reconnect(String seq) {
    FakeChannel channel = new FakeChannel(false);
    FakeExchange exchange = open(channel, epoch, seq);
    exchange.listener.onClose(1000, "");
    if (channel.frames < 2) {
      throw new IllegalStateException("nothing replayed: " + channel.frames + " frames");
    }
    frames += channel.frames;
    return channel.bytes;
  }
}
