package dev.sente.jetty.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.Backoff;
import dev.sente.client.ClientState;
import dev.sente.client.Recovery;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.faults.FaultProxy;
import dev.sente.testkit.faults.SteadySender;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resume extension end to end: the real server on Jetty, the Java client over WebSocket and
 * over Ajax, and the fault proxy cutting the connection while the server pushes numbered events at
 * a steady rate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JettyResumeTest {
  private static final String EVENT = "test/n";
  private static final int RATE = 200;
  private static final Backoff FAST =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200), Backoff.Jitter.NONE);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<Optional<Recovery>> reopens = new CopyOnWriteArrayList<>();
  private final AtomicInteger opens = new AtomicInteger();
  private final AtomicInteger notOpen = new AtomicInteger();

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T extends AutoCloseable> T closedAfterwards(T resource) {
    resources.push(resource);
    return resource;
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
  }

  private FaultProxy serveBehindProxy(SenteServer.Builder builder) {
    return closedAfterwards(FaultProxy.to(serve(builder).port()));
  }

  /** Starts a server (it becomes {@link #sente}), closed after the test. */
  private JettyServer serve(SenteServer.Builder builder) {
    SenteServer sente = closedAfterwards(builder.userId(request -> request.cookie("user")).build());
    this.sente = sente;
    return closedAfterwards(SenteJetty.server(sente).host("127.0.0.1").port(0).start());
  }

  private SenteServer sente;

  private final List<Transport> openedOn = new CopyOnWriteArrayList<>();

  private SenteClient connect(FaultProxy proxy, Transport transport) throws Exception {
    return connect(proxy, transport, UnaryOperator.identity());
  }

  private SenteClient connect(
      FaultProxy proxy, Transport transport, UnaryOperator<SenteClientBuilder> settings)
      throws Exception {
    SenteClient client =
        closedAfterwards(
            settings
                .apply(
                    SenteClient.builder(proxy.uri().resolve("/chsk"))
                        .transport(transport)
                        .upgradeRetryInterval(Duration.ofMillis(200))
                        .cookie("user", "alice")
                        .backoff(FAST))
                .build());
    client.onState(
        state -> {
          if (!(state instanceof ClientState.Open)) {
            notOpen.incrementAndGet();
          }
          if (state instanceof ClientState.Open open) {
            openedOn.add(open.transport());
            opens.incrementAndGet();
            if (!open.firstOpen()) {
              reopens.add(open.recovery());
            }
          }
        });
    return client;
  }

  /**
   * Lets ten more events arrive, stops the sender and waits for everything it sent; asserts that
   * nothing was lost, copied or reordered.
   */
  private static DeliveryCounter.Report finish(DeliveryCounter counter, SteadySender sender) {
    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + 10);
    sender.close();
    long sent = sender.sent();
    eventually().until(() -> counter.distinct() >= sent);
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.perfect()).as(report.toString()).isTrue();
    return report;
  }

  /** Cuts the connection for {@code down} and waits until the client is open again. */
  private void cutAndAwaitReopen(FaultProxy proxy, Duration down) {
    int before = opens.get();
    proxy.cut(down);
    eventually().until(() -> opens.get() > before);
  }

  /**
   * Resets the client's side only: the server's socket or held poll stays open and silent, and what
   * the server writes to it meanwhile is lost. A WebSocket client opens a new socket, which
   * replaces the silent one (a reopen); an Ajax client whose poll failed may simply poll again.
   */
  private void resetClientSide(FaultProxy proxy, Transport transport) {
    int before = opens.get();
    proxy.resetClientSides();
    if (transport == Transport.WEBSOCKET) {
      eventually().until(() -> opens.get() > before);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void twentyCutsAndFiveClientSideResetsLoseDuplicateAndReorderNothingAndEveryReopenRecovers(
      Transport transport) throws Exception {
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    SenteClient client = connect(proxy, transport);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));

    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 10); // events flow between cuts
      cutAndAwaitReopen(proxy, Duration.ofMillis(100 + random.nextInt(901)));
    }
    for (int i = 0; i < 5; i++) {
      long before = counter.highest();
      eventually().until(() -> counter.highest() > before + 10);
      resetClientSide(proxy, transport);
    }
    finish(counter, pushes);
    assertThat(pushes.refused()).isZero();
    assertThat(reopens)
        .hasSizeBetween(transport == Transport.WEBSOCKET ? 25 : 20, 25)
        .allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }

  /**
   * The other direction: the client sends 200 numbered events a second through 20 cuts and 5 resets
   * of the client's side; the server's handler gets each once, in order (sends made while
   * reconnecting are kept; those in flight when the connection broke are sent again and the server
   * drops the copies it already had).
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void eventsSentThroughCutsArriveOnceEachInOrder(Transport transport) throws Exception {
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    DeliveryCounter counter = DeliveryCounter.onServer(sente, EVENT);
    SenteClient client = connect(proxy, transport);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SteadySender sends =
        closedAfterwards(SteadySender.sending(client, EVENT, Long.MAX_VALUE / 2, RATE));
    Random random = new Random(11);
    for (int i = 0; i < 25; i++) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 10); // events flow between cuts
      if (i < 20) {
        cutAndAwaitReopen(proxy, Duration.ofMillis(random.nextInt(301)));
      } else {
        resetClientSide(proxy, transport);
      }
    }
    DeliveryCounter.Report report = finish(counter, sends);
    assertThat(sends.refused()).isZero();
    System.out.printf("%s client-to-server through 25 cuts: %s%n", transport, report);
  }

  @Test
  void aHalfOpenConnectionIsFoundByTheKeepAliveAndResumedLosingNothing() throws Exception {
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    SenteClient client =
        connect(
            proxy,
            Transport.WEBSOCKET,
            b -> b.keepAlive(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(500)));
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));
    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    for (int i = 0; i < 3; i++) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 10);
      int closedBefore = notOpen.get();
      int opensBefore = opens.get();
      // nothing flows either way and nothing is closed: only the keep-alive can tell
      proxy.stall();
      eventually().until(() -> notOpen.get() > closedBefore);
      proxy.resume();
      eventually().until(() -> opens.get() > opensBefore);
    }
    finish(counter, pushes);
    assertThat(reopens).hasSize(3).allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }

  /**
   * 1,000 forced reconnects (or {@code -Dsente.faults.reconnects}), each a cut of 0 to 30 ms, while
   * the server pushes 200 events a second. In {@code AUTO} mode the transport changes every 100
   * reconnects: the network refuses WebSocket upgrades and the client reconnects (to Ajax), then
   * upgrades are let through again and the client moves back to the WebSocket.
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX", "AUTO"})
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void aThousandForcedReconnectsLoseDuplicateAndReorderNothing(Transport transport)
      throws Exception {
    int reconnects = Integer.getInteger("sente.faults.reconnects", 1000);
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    SenteClient client = connect(proxy, transport);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));
    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    Random random = new Random(7);
    int transportChanges = 0;
    for (int i = 0; i < reconnects; i++) {
      if (transport == Transport.AUTO && i > 0 && i % 100 == 0) {
        changeTransport(proxy, client, (i / 100) % 2 == 1 ? Transport.AJAX : Transport.WEBSOCKET);
        transportChanges++;
      }
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen); // something flowed since the last cut
      Duration down = Duration.ofMillis(random.nextInt(31));
      if (transport == Transport.WEBSOCKET) {
        cutAndAwaitReopen(proxy, down);
      } else {
        proxy.cut(down); // a poll cut needs no reopen: the next poll resumes
      }
    }
    DeliveryCounter.Report report = finish(counter, pushes);
    assertThat(reopens).allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
    if (transport == Transport.WEBSOCKET) {
      assertThat(reopens).hasSize(reconnects);
    }
    System.out.printf(
        "%s: %d forced reconnects, %d transport changes, %d reopens, %s%n",
        transport, reconnects, transportChanges, reopens.size(), report);
  }

  /** Moves an {@code AUTO} client to {@code to} as a network would, and waits until it is there. */
  private void changeTransport(FaultProxy proxy, SenteClient client, Transport to) {
    int before = openedOn.size();
    if (to == Transport.AJAX) {
      proxy.answer200InsteadOf101(true); // upgrades refused: the reconnect falls back to Ajax
      client.reconnect();
    } else {
      proxy.answer200InsteadOf101(false); // the background upgrade gets through
    }
    eventually().until(() -> openedOn.size() > before && openedOn.get(openedOn.size() - 1) == to);
  }

  /**
   * A cut of 30 s (or {@code -Dsente.faults.longCutSeconds}), long after the server has given the
   * client up (its grace period) but inside the resume window: everything is sent on reconnect.
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aThirtySecondCutInsideTheWindowLosesNothing(Transport transport) throws Exception {
    Duration down = Duration.ofSeconds(Integer.getInteger("sente.faults.longCutSeconds", 30));
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    SenteClient client = connect(proxy, transport);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));
    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    eventually().until(() -> counter.highest() > 20);
    int opensBefore = opens.get();
    proxy.cut(down);
    Awaitility.await()
        .atMost(down.plusSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> opens.get() > opensBefore);
    finish(counter, pushes);
    assertThat(reopens).hasSize(1).allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }

  @Test
  void autoFallsBackToAjaxThenUpgradesToWebSocketThroughCutsLosingNothing() throws Exception {
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    proxy.answer200InsteadOf101(true); // no WebSocket through this network: the client polls
    SenteClient client = connect(proxy, Transport.AUTO);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().ajax().contains("alice"));
    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    for (int i = 0; i < 3; i++) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 10);
      cutAndAwaitReopen(proxy, Duration.ofMillis(200));
    }
    proxy.answer200InsteadOf101(false); // WebSocket works again: the client upgrades
    eventually().until(() -> openedOn.contains(Transport.WEBSOCKET));
    for (int i = 0; i < 3; i++) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 10);
      cutAndAwaitReopen(proxy, Duration.ofMillis(200));
    }
    finish(counter, pushes);
    assertThat(openedOn).contains(Transport.AJAX, Transport.WEBSOCKET);
    assertThat(reopens).isNotEmpty().allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void aCutLongerThanTheWindowReportsTheGapAndNeverRecovered(Transport transport) throws Exception {
    // about 25 bytes an event: a half-second cut at 200/s misses far more than 1 KiB
    FaultProxy proxy =
        serveBehindProxy(SenteServer.builder().resumeWindow(Duration.ofMinutes(2), 1024));
    SenteClient client = connect(proxy, transport);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));

    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    eventually().until(() -> counter.highest() > 20);
    cutAndAwaitReopen(proxy, Duration.ofMillis(600));
    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + 20);
    pushes.close();
    long sent = pushes.sent();
    eventually().until(() -> counter.highest() >= sent);

    // the reopen reports the gap; with so small a window the catching-up reader may fall behind
    // it again, which the server reports as a gap in a push frame (another Open state)
    assertThat(reopens).isNotEmpty().allMatch(r -> r.orElse(null) instanceof Recovery.Gap);
    long missed = 0;
    for (Optional<Recovery> r : reopens) {
      missed += ((Recovery.Gap) r.orElseThrow()).missed().orElseThrow();
    }
    assertThat(((Recovery.Gap) reopens.get(0).orElseThrow()).missed().orElseThrow()).isPositive();
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.duplicated()).as(report.toString()).isZero();
    assertThat(report.reordered()).as(report.toString()).isZero();
    assertThat(report.lost()).as("every lost event was reported: " + report).isEqualTo(missed);
  }

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void aServerRestartIsReportedAsAGapOfUnknownSizeNeverAsRecovered(Transport transport)
      throws Exception {
    JettyServer firstJetty = serve(SenteServer.builder());
    SenteServer first = sente;
    FaultProxy proxy = closedAfterwards(FaultProxy.to(firstJetty.port()));
    SenteClient client = connect(proxy, transport);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> first.connectedUsers().any().contains("alice"));
    long beforeRestart;
    try (SteadySender pushes = SteadySender.pushing(first, "alice", EVENT, 1_000_000, RATE)) {
      eventually().until(() -> counter.highest() > 20);
      pushes.close();
      beforeRestart = pushes.sent();
    }
    eventually().until(() -> counter.highest() >= beforeRestart);

    // the server goes away with its log; a new one (new epoch, empty log) takes the same address
    int before = opens.get();
    proxy.down();
    firstJetty.close(); // closes its SenteServer too
    proxy.retarget(serve(SenteServer.builder()).port());
    proxy.restore();
    eventually().until(() -> opens.get() > before);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));

    assertThat(reopens).as("every reopen after the restart").isNotEmpty();
    assertThat(reopens)
        .allSatisfy(
            r ->
                assertThat(r)
                    .as("a restart loses the log: a gap of unknown size, never recovered")
                    .contains(new Recovery.Gap(OptionalLong.empty())));
    // the new server's pushes flow again, numbered in its own stream
    sente.send("alice", EVENT, DeliveryCounter.numbered(beforeRestart + 1));
    eventually().until(() -> counter.highest() == beforeRestart + 1);
    DeliveryCounter.Report report = counter.report(beforeRestart + 1);
    assertThat(report.perfect()).as(report.toString()).isTrue();
  }
}
