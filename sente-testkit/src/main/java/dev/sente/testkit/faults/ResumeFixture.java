package dev.sente.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.Backoff;
import dev.sente.client.ClientState;
import dev.sente.client.Recovery;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * What the fault suites share: an adapter's server behind a {@link FaultProxy}, Java clients that
 * record every open and what it recovered, and the helpers that cut and count. An adapter's test
 * extends a suite and says how to start its web server around a {@code SenteServer}, on {@code
 * 127.0.0.1} (the proxy forwards there) and an ephemeral port.
 */
public abstract class ResumeFixture {
  /** The numbered event every test sends or pushes. */
  protected static final String EVENT = "test/n";

  /** Events a second, pushed or sent. */
  protected static final int RATE = 200;

  private static final Backoff FAST =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200), Backoff.Jitter.NONE);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** The recovery of every open but the first, in order. */
  protected final List<Optional<Recovery>> reopens = new CopyOnWriteArrayList<>();

  /** The transport of every open, in order. */
  protected final List<Transport> openedOn = new CopyOnWriteArrayList<>();

  /** How many times a client opened. */
  protected final AtomicInteger opens = new AtomicInteger();

  /** How many times a client's state changed to one that is not open. */
  protected final AtomicInteger notOpen = new AtomicInteger();

  /** The server the last {@link #serve} started. */
  protected SenteServer sente;

  /**
   * Starts the adapter's web server around {@code sente} on {@code 127.0.0.1} and an ephemeral
   * port; closing it stops the web server and {@code sente}.
   */
  protected abstract RunningServer start(SenteServer sente);

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** Closes the resource after the test (last opened, first closed). */
  protected <T extends AutoCloseable> T closedAfterwards(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Ten seconds, polled every 5 ms. */
  protected static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
  }

  /** Starts a server (it becomes {@link #sente}) behind a new proxy; both closed after the test. */
  protected FaultProxy serveBehindProxy(SenteServer.Builder builder) {
    return closedAfterwards(FaultProxy.to(serve(builder).baseUri().getPort()));
  }

  /**
   * Starts a server that takes the user id from the {@code user} cookie (it becomes {@link
   * #sente}), closed after the test.
   */
  protected RunningServer serve(SenteServer.Builder builder) {
    SenteServer server =
        closedAfterwards(builder.userId(request -> request.cookie("user")).build());
    this.sente = server;
    return closedAfterwards(start(server));
  }

  /** A client of user {@code alice} through the proxy, recorded; closed after the test. */
  protected SenteClient connect(FaultProxy proxy, Transport transport) {
    return connect(proxy, transport, UnaryOperator.identity());
  }

  /** As {@link #connect(FaultProxy, Transport)}, with more settings. */
  protected SenteClient connect(
      FaultProxy proxy, Transport transport, UnaryOperator<SenteClientBuilder> settings) {
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

  /** An open client of {@code alice}, counting the numbered events the server pushes to her. */
  protected record Pushing(SenteClient client, DeliveryCounter counter, SteadySender pushes) {}

  /** As {@link #openAndPush(FaultProxy, Transport, UnaryOperator)} with no more settings. */
  protected Pushing openAndPush(FaultProxy proxy, Transport transport) throws Exception {
    return openAndPush(proxy, transport, UnaryOperator.identity());
  }

  /**
   * Connects a client of {@code alice} through the proxy, waits until the server has her, and
   * starts pushing her numbered events at {@link #RATE} (stopped after the test).
   */
  protected Pushing openAndPush(
      FaultProxy proxy, Transport transport, UnaryOperator<SenteClientBuilder> settings)
      throws Exception {
    SenteClient client = connect(proxy, transport, settings);
    DeliveryCounter counter = DeliveryCounter.onClient(client, EVENT);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));
    SteadySender pushes =
        closedAfterwards(SteadySender.pushing(sente, "alice", EVENT, Long.MAX_VALUE / 2, RATE));
    return new Pushing(client, counter, pushes);
  }

  /** Waits until {@code more} events arrived after the highest seen now. */
  protected static void awaitFlow(DeliveryCounter counter, int more) {
    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + more);
  }

  /**
   * Lets ten more events arrive, stops the sender and waits for everything it sent; asserts that
   * nothing was lost, copied or reordered.
   */
  protected static DeliveryCounter.Report finish(DeliveryCounter counter, SteadySender sender) {
    awaitFlow(counter, 10);
    sender.close();
    long sent = sender.sent();
    eventually().until(() -> counter.distinct() >= sent);
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.perfect()).as(report.toString()).isTrue();
    return report;
  }

  /** Cuts the connection for {@code down} and waits until the client is open again. */
  protected void cutAndAwaitReopen(FaultProxy proxy, Duration down) {
    int before = opens.get();
    proxy.cut(down);
    eventually().until(() -> opens.get() > before);
  }

  /**
   * Resets the client's side only: the server's socket or held poll stays open and silent, and what
   * the server writes to it meanwhile is lost. A WebSocket client opens a new socket, which
   * replaces the silent one (a reopen); an Ajax client whose poll failed may simply poll again.
   */
  protected void resetClientSide(FaultProxy proxy, Transport transport) {
    int before = opens.get();
    proxy.resetClientSides();
    if (transport == Transport.WEBSOCKET) {
      eventually().until(() -> opens.get() > before);
    }
  }

  /** True when every reopen reported {@link Recovery.Recovered}. */
  protected boolean everyReopenRecovered() {
    return reopens.stream().allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }
}
