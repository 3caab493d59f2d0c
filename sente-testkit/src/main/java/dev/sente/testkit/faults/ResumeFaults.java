package dev.sente.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.Recovery;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The resume extension end to end, for any adapter: its real server, the Java client over
 * WebSocket, Ajax and {@code AUTO}, and the {@link FaultProxy} cutting, stalling and resetting the
 * connection while numbered events flow at a steady rate; every test counts what was lost,
 * duplicated and reordered at the application. An adapter's test extends it and implements {@link
 * #start}:
 *
 * <pre>{@code
 * class JettyResumeTest extends ResumeFaults {
 *   protected RunningServer start(SenteServer sente) {
 *     JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
 *     return RunningServer.of(URI.create("http://127.0.0.1:" + jetty.port() + "/"), jetty::close);
 *   }
 * }
 * }</pre>
 *
 * <p>{@code -Dsente.faults.reconnects} (1,000) and {@code -Dsente.faults.longCutSeconds} (30) scale
 * the two longest tests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ResumeFaults extends ResumeFixture {

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void twentyCutsAndFiveClientSideResetsLoseDuplicateAndReorderNothingAndEveryReopenRecovers(
      Transport transport) throws Exception {
    FaultProxy proxy = serveBehindProxy(SenteServer.builder());
    Pushing pushing = openAndPush(proxy, transport);
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      awaitFlow(counter, 10); // events flow between cuts
      cutAndAwaitReopen(proxy, Duration.ofMillis(100 + random.nextInt(901)));
    }
    for (int i = 0; i < 5; i++) {
      awaitFlow(counter, 10);
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
      awaitFlow(counter, 10); // events flow between cuts
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
    Pushing pushing =
        openAndPush(
            proxy,
            Transport.WEBSOCKET,
            b -> b.keepAlive(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(500)));
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
    for (int i = 0; i < 3; i++) {
      awaitFlow(counter, 10);
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
    Pushing pushing = openAndPush(proxy, transport);
    SenteClient client = pushing.client();
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
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
    Pushing pushing = openAndPush(proxy, transport);
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
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
      awaitFlow(counter, 10);
      cutAndAwaitReopen(proxy, Duration.ofMillis(200));
    }
    proxy.answer200InsteadOf101(false); // WebSocket works again: the client upgrades
    eventually().until(() -> openedOn.contains(Transport.WEBSOCKET));
    for (int i = 0; i < 3; i++) {
      awaitFlow(counter, 10);
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
    Pushing pushing = openAndPush(proxy, transport);
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
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
    RunningServer firstServer = serve(SenteServer.builder());
    SenteServer first = sente;
    FaultProxy proxy = closedAfterwards(FaultProxy.to(firstServer.baseUri().getPort()));
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
    firstServer.close(); // stops its SenteServer too
    proxy.retarget(serve(SenteServer.builder()).baseUri().getPort());
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

  /**
   * The client's side is reset and the server's socket (or held poll) left open and silent, as a
   * real network drop looks; the client reconnects before the server notices. Later the stale
   * connection dies on the server too: that must not remove the new connection (the client stays
   * open, its user never leaves the connected users, also once the grace periods have passed) nor
   * cost an event.
   */
  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"WEBSOCKET", "AJAX"})
  void aStaleServerSideConnectionThatDiesLaterNeverRemovesTheNewOne(Transport transport)
      throws Exception {
    // short grace periods: a client wrongly taken for gone leaves the connected users at once
    FaultProxy proxy =
        serveBehindProxy(
            SenteServer.builder().reconnectGrace(Duration.ofMillis(200), Duration.ofMillis(500)));
    Pushing pushing = openAndPush(proxy, transport);
    SenteClient client = pushing.client();
    DeliveryCounter counter = pushing.counter();
    SteadySender pushes = pushing.pushes();
    List<ConnectedUsersChange> changes = new CopyOnWriteArrayList<>();
    closedAfterwards(sente.onConnectedUsersChange(changes::add));

    for (int i = 0; i < 3; i++) {
      awaitFlow(counter, 10);
      resetClientSide(proxy, transport);
      awaitFlow(counter, 20); // resumed on the new connection, the stale one still open
      List<FaultProxy.Connection> stale =
          proxy.connections().stream().filter(c -> c.isClientSideReset() && c.isOpen()).toList();
      assertThat(stale).as("the server's side of the old connection is still open").isNotEmpty();
      int opensBefore = opens.get();
      int notOpenBefore = notOpen.get();
      changes.clear();
      stale.forEach(FaultProxy.Connection::cut); // now the server sees the old one die
      awaitFlow(counter, 200); // 1 s of events after the old one died: past both grace periods
      assertThat(client.state()).isInstanceOf(ClientState.Open.class);
      assertThat(opens.get())
          .as("no reopen: the new connection was not touched")
          .isEqualTo(opensBefore);
      assertThat(notOpen.get()).isEqualTo(notOpenBefore);
      assertThat(changes)
          .as("alice never left the connected users")
          .allSatisfy(c -> assertThat(c.after().any()).contains("alice"));
      assertThat(sente.connectedUsers().any()).contains("alice");
    }
    finish(counter, pushes);
    assertThat(everyReopenRecovered()).as(reopens.toString()).isTrue();
  }
}
