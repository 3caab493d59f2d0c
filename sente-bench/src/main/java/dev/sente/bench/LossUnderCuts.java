package dev.sente.bench;

import dev.sente.client.ClientState;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.faults.FaultProxy;
import dev.sente.testkit.faults.SteadySender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a client loses when its connection is cut: the server (all defaults, on Jetty) pushes
 * numbered events to one user at a steady rate, a Java client (all defaults) receives them through
 * a {@link FaultProxy}, and the proxy cuts the connection at random moments and stays down for a
 * while each time (new connections are reset), then lets the client back. At the same time the
 * client sends numbered events to the server at the same rate. Prints, per transport and cut
 * pattern, how many events were lost, duplicated and reordered, as markdown tables.
 *
 * <pre>
 * mvn -B -q -pl sente-bench -am package -DskipTests
 * java -cp "$(ls sente-bench/target/sente-bench-*.jar):$(cat sente-bench/target/classpath.txt)" \
 *     dev.sente.bench.LossUnderCuts [--rate 200] [--cuts 20x0.1,5x1,3x3] \
 *     [--transports websocket,ajax] [--up 0.3-1.0] [--seed 1]
 * </pre>
 *
 * (or {@code sente-bench/bench.sh loss [options]}). Each cut comes once the client is open again,
 * after a random up time in the {@code --up} range (seconds); a cut resets the open connections on
 * both sides and refuses new ones for its duration. The stream starts a second before the first cut
 * and ends two seconds after the last restore; then the run waits for the last events.
 */
public final class LossUnderCuts {

  private static final String USER = "alice";
  private static final String DOWN = "bench/down";
  private static final String UP = "bench/up";
  private static final Duration LEAD = Duration.ofSeconds(1);
  private static final Duration TAIL = Duration.ofSeconds(2);
  private static final Duration OPEN_WAIT = Duration.ofSeconds(60);
  private static final Duration DRAIN_QUIET = Duration.ofSeconds(1);
  private static final Duration DRAIN_MAX = Duration.ofSeconds(15);

  private LossUnderCuts() {}

  /** One column: {@code count} cuts of {@code down} each. */
  record CutPattern(int count, Duration down) {
    String label() {
      return count + " cuts of " + seconds(down) + " s";
    }
  }

  /** One cell. */
  record Outcome(
      DeliveryCounter.Report pushes,
      long pushesRefused,
      DeliveryCounter.Report sends,
      long sendsRefused,
      int reconnects,
      Duration elapsed) {}

  /** See the class comment. */
  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      // Jetty's start and stop lines for every cell would bury the progress lines
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Map<String, String> options = parse(args);
    if (options.containsKey("help")) {
      System.out.println(
          "usage: LossUnderCuts [--rate 200] [--cuts 20x0.1,5x1,3x3]"
              + " [--transports websocket,ajax] [--up 0.3-1.0] [--seed 1]");
      return;
    }
    int rate = Integer.parseInt(options.getOrDefault("rate", "200"));
    List<CutPattern> patterns = patterns(options.getOrDefault("cuts", "20x0.1,5x1,3x3"));
    List<Transport> transports = transports(options.getOrDefault("transports", "websocket,ajax"));
    String[] up = options.getOrDefault("up", "0.3-1.0").split("-");
    Duration upMin = duration(up[0]);
    Duration upMax = duration(up.length > 1 ? up[1] : up[0]);
    long seed = Long.parseLong(options.getOrDefault("seed", "1"));
    Random random = new Random(seed);

    Map<Transport, List<Outcome>> results = new LinkedHashMap<>();
    for (Transport transport : transports) {
      List<Outcome> row = new ArrayList<>();
      for (CutPattern pattern : patterns) {
        System.err.printf(Locale.ROOT, "%s, %s ...%n", name(transport), pattern.label());
        Outcome outcome = run(transport, pattern, rate, upMin, upMax, random);
        System.err.printf(
            Locale.ROOT,
            "  pushes: %s (%d refused by send); sends: %s (%d refused by send);"
                + " %d reconnects; %.1f s%n",
            outcome.pushes(),
            outcome.pushesRefused(),
            outcome.sends(),
            outcome.sendsRefused(),
            outcome.reconnects(),
            outcome.elapsed().toMillis() / 1000.0);
        row.add(outcome);
      }
      results.put(transport, row);
    }

    System.out.printf(
        Locale.ROOT,
        "%nServer → client pushes, %d a second, lost / duplicated / reordered of the total"
            + " (seed %d, up %s-%s s between cuts):%n%n",
        rate,
        seed,
        seconds(upMin),
        seconds(upMax));
    printTable(patterns, results, true);
    System.out.printf(
        Locale.ROOT,
        "%nClient → server sends at the same time (a send refused while the client is not open"
            + " counts as lost):%n%n");
    printTable(patterns, results, false);
  }

  private static void printTable(
      List<CutPattern> patterns, Map<Transport, List<Outcome>> results, boolean pushes) {
    StringBuilder header = new StringBuilder("| transport |");
    StringBuilder rule = new StringBuilder("|---|");
    for (CutPattern pattern : patterns) {
      header.append(' ').append(pattern.label()).append(" |");
      rule.append("---|");
    }
    System.out.println(header);
    System.out.println(rule);
    for (Map.Entry<Transport, List<Outcome>> entry : results.entrySet()) {
      StringBuilder line = new StringBuilder("| ").append(name(entry.getKey())).append(" |");
      for (Outcome outcome : entry.getValue()) {
        DeliveryCounter.Report report = pushes ? outcome.pushes() : outcome.sends();
        line.append(' ')
            .append(
                String.format(
                    Locale.ROOT,
                    "%d / %d / %d of %d",
                    report.lost(),
                    report.duplicated(),
                    report.reordered(),
                    report.expected()))
            .append(" |");
      }
      System.out.println(line);
    }
  }

  private static Outcome run(
      Transport transport,
      CutPattern pattern,
      int rate,
      Duration upMin,
      Duration upMax,
      Random random)
      throws InterruptedException {
    long started = System.nanoTime();
    SenteServer sente = SenteServer.builder().userId(request -> request.cookie("user")).build();
    DeliveryCounter atServer = DeliveryCounter.onServer(sente, UP);
    try (JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
        FaultProxy proxy = FaultProxy.to(jetty.port());
        SenteClient client =
            SenteClient.builder(proxy.uri().resolve("/chsk"))
                .transport(transport)
                .cookie("user", USER)
                .build()) {
      DeliveryCounter atClient = DeliveryCounter.onClient(client, DOWN);
      AtomicInteger opens = new AtomicInteger();
      client.onState(
          state -> {
            if (state instanceof ClientState.Open) {
              opens.incrementAndGet();
            }
          });
      try {
        client.connect().toCompletableFuture().get(OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the client did not connect", e);
      }
      waitUntil(() -> sente.connectedUsers().any().contains(USER), OPEN_WAIT);

      long unbounded = (long) rate * TimeUnit.DAYS.toSeconds(1);
      SteadySender pushes = SteadySender.pushing(sente, USER, DOWN, unbounded, rate);
      SteadySender sends = SteadySender.sending(client, UP, unbounded, rate);
      Thread.sleep(LEAD.toMillis());
      for (int i = 0; i < pattern.count(); i++) {
        waitUntil(() -> client.state().isOpen(), OPEN_WAIT);
        Thread.sleep(between(random, upMin, upMax).toMillis());
        proxy.cut(pattern.down());
        Thread.sleep(pattern.down().toMillis());
      }
      waitUntil(() -> client.state().isOpen(), OPEN_WAIT);
      Thread.sleep(TAIL.toMillis());
      pushes.close();
      sends.close();
      drain(atClient);
      drain(atServer);
      return new Outcome(
          atClient.report(pushes.sent()),
          pushes.refused(),
          atServer.report(sends.sent()),
          sends.refused(),
          opens.get() - 1,
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** Waits until nothing more arrives for a while (the last batches and retries). */
  private static void drain(DeliveryCounter counter) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_MAX.toNanos();
    long last = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = counter.arrivals();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= DRAIN_QUIET.toNanos()) {
        return;
      }
      Thread.sleep(50);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  private static Duration between(Random random, Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
  }

  private static List<CutPattern> patterns(String spec) {
    List<CutPattern> patterns = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] countAndDown = part.trim().split("x");
      if (countAndDown.length != 2) {
        throw new IllegalArgumentException("--cuts takes COUNTxSECONDS,...: " + spec);
      }
      patterns.add(new CutPattern(Integer.parseInt(countAndDown[0]), duration(countAndDown[1])));
    }
    return patterns;
  }

  private static List<Transport> transports(String spec) {
    List<Transport> transports = new ArrayList<>();
    for (String part : spec.split(",")) {
      transports.add(Transport.valueOf(part.trim().toUpperCase(Locale.ROOT)));
    }
    return transports;
  }

  private static Duration duration(String seconds) {
    return Duration.ofMillis(Math.round(Double.parseDouble(seconds.trim()) * 1000));
  }

  private static String seconds(Duration duration) {
    double s = duration.toMillis() / 1000.0;
    return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
  }

  private static String name(Transport transport) {
    return transport == Transport.WEBSOCKET ? "WebSocket" : "Ajax";
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unknown argument: " + arg);
      }
      String key = arg.substring(2);
      if (key.equals("help")) {
        options.put(key, "");
      } else if (i + 1 < args.length) {
        options.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("missing value for " + arg);
      }
    }
    return options;
  }
}
