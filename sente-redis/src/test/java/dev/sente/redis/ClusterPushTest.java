package dev.sente.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.Recovery;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.redis.ClusterNodes.Node;
import dev.sente.testkit.Closer;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.faults.FaultProxy;
import dev.sente.testkit.faults.RequestRoundRobin;
import dev.sente.testkit.faults.SteadySender;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes of one cluster, each a Jetty server on its own port, sharing a real redis-server:
 * pushes made on any node reach the user's clients on every node and transport, and a client that
 * reconnects to another node resumes there from the shared log, counting what arrived.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPushTest {
  private static final String EVENT = "test/n";

  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  @RegisterExtension final Closer closer = new Closer();

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10));
  }

  private ClusterNodes nodes;

  @BeforeEach
  void nodes(TestInfo test) {
    nodes = new ClusterNodes(REDIS.server(), closer, test);
  }

  private Node node() {
    return nodes.node();
  }

  private SenteClient client(URI uri, String user, Transport transport) {
    return nodes.client(uri, user, transport);
  }

  /** Alice's open WebSocket client on a node, counting her numbered events and her gaps. */
  private record Watched(SenteClient client, DeliveryCounter counter, List<Recovery> gaps) {}

  private Watched watched(Node node) throws Exception {
    SenteClient alice = client(node.uri(), "alice", Transport.WEBSOCKET);
    List<Recovery> gaps = new CopyOnWriteArrayList<>();
    alice.onState(
        state -> {
          if (state instanceof ClientState.Open open && open.recovery().isPresent()) {
            gaps.add(open.recovery().get());
          }
        });
    DeliveryCounter counter = DeliveryCounter.onClient(alice, EVENT);
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> node.sente().connectedUsers().any().contains("alice"));
    return new Watched(alice, counter, gaps);
  }

  @Test
  void aPushOnOneNodeReachesEveryClientOfTheUserOnEveryNodeAndTransport() throws Exception {
    Node one = node();
    Node two = node();
    Node three = node();
    SenteClient aliceWs = client(one.uri(), "alice", Transport.WEBSOCKET);
    SenteClient aliceAjax = client(two.uri(), "alice", Transport.AJAX);
    SenteClient bob = client(three.uri(), "bob", Transport.WEBSOCKET);
    DeliveryCounter onWs = DeliveryCounter.onClient(aliceWs, EVENT);
    DeliveryCounter onAjax = DeliveryCounter.onClient(aliceAjax, EVENT);
    DeliveryCounter onBob = DeliveryCounter.onClient(bob, EVENT);
    for (SenteClient c : List.of(aliceWs, aliceAjax, bob)) {
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    eventually().until(() -> one.sente().connectedUsers().any().contains("alice"));
    eventually().until(() -> two.sente().connectedUsers().any().contains("alice"));

    for (long seq = 1; seq <= 200; seq++) {
      three
          .sente()
          .send("alice", EVENT, DeliveryCounter.numbered(seq)); // alice has no client there
    }
    eventually().until(() -> onWs.distinct() == 200 && onAjax.distinct() == 200);
    assertThat(onWs.report(200).perfect()).as(onWs.report(200).toString()).isTrue();
    assertThat(onAjax.report(200).perfect()).as(onAjax.report(200).toString()).isTrue();

    three.sente().send("bob", EVENT, DeliveryCounter.numbered(1));
    eventually().until(() -> onBob.distinct() == 1);
    assertThat(onBob.arrivals()).as("bob gets his event only, once").isEqualTo(1);
    assertThat(onWs.arrivals()).as("alice gets none of bob's").isEqualTo(200);
  }

  @Test
  void aBroadcastOnOneNodeReachesEveryUserOfTheClusterOnce() throws Exception {
    Node one = node();
    Node two = node();
    Node sender = node();
    SenteClient alice = client(one.uri(), "alice", Transport.WEBSOCKET);
    SenteClient bob = client(two.uri(), "bob", Transport.AJAX);
    SenteClient bobAgain = client(one.uri(), "bob", Transport.WEBSOCKET);
    List<DeliveryCounter> counters = new ArrayList<>();
    for (SenteClient c : List.of(alice, bob, bobAgain)) {
      counters.add(DeliveryCounter.onClient(c, EVENT));
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    eventually()
        .until(() -> sender.sente().connectedUsers().any().containsAll(List.of("alice", "bob")));

    for (long seq = 1; seq <= 20; seq++) {
      assertThat(sender.sente().broadcast(EVENT, DeliveryCounter.numbered(seq)))
          .as("the users connected anywhere")
          .isEqualTo(2);
    }
    for (DeliveryCounter counter : counters) {
      eventually().until(() -> counter.distinct() >= 20);
      DeliveryCounter.Report report = counter.report(20);
      assertThat(report.perfect()).as(report.toString()).isTrue();
    }
    assertThat(sender.sente().send("carol", EVENT, DeliveryCounter.numbered(1)))
        .as("carol is connected nowhere")
        .isFalse();
  }

  @Test
  void aWebSocketThatReconnectsToAnotherNodeResumesThereWithNothingLost() throws Exception {
    Node one = node();
    Node two = node();
    Node sender = node();
    FaultProxy proxy = closer.add(FaultProxy.to(one.jetty().port()));
    SenteClient alice = client(proxy.uri().resolve("/chsk"), "alice", Transport.WEBSOCKET);
    List<Optional<Recovery>> reopens = new CopyOnWriteArrayList<>();
    List<Integer> portsOpened = new CopyOnWriteArrayList<>();
    AtomicInteger opens = new AtomicInteger();
    alice.onState(
        state -> {
          if (state instanceof ClientState.Open open) {
            portsOpened.add(proxy.targetPort());
            opens.incrementAndGet();
            if (!open.firstOpen()) {
              reopens.add(open.recovery());
            }
          }
        });
    DeliveryCounter counter = DeliveryCounter.onClient(alice, EVENT);
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    eventually().until(() -> one.sente().connectedUsers().any().contains("alice"));
    SteadySender pushes =
        closer.add(SteadySender.pushing(sender.sente(), "alice", EVENT, Long.MAX_VALUE / 2, 200));
    List<Integer> moves = new ArrayList<>(List.of(two.jetty().port(), one.jetty().port()));
    moves.add(two.jetty().port());
    for (int port : moves) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 20);
      int before = opens.get();
      proxy.retarget(port);
      proxy.cut(Duration.ofMillis(300)); // pushes go on meanwhile, to nobody connected
      eventually().until(() -> opens.get() > before);
    }
    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + 10);
    pushes.close();
    long sent = pushes.sent();
    eventually().until(() -> counter.distinct() >= sent);
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.perfect()).as(report.toString()).isTrue();
    assertThat(portsOpened.subList(1, portsOpened.size()))
        .as("each reopen on the node it was sent to")
        .containsExactlyElementsOf(moves);
    assertThat(reopens)
        .as("every reopen recovered")
        .allMatch(r -> r.orElse(null) instanceof Recovery.Recovered);
  }

  @Test
  void aWebSocketClientsSendsMovedBetweenNodesAreHandledOnceEach() throws Exception {
    Node one = node();
    Node two = node();
    DeliveryCounter counter = new DeliveryCounter(); // what the handlers of both nodes got
    for (Node node : List.of(one, two)) {
      node.sente().on("test/up", msg -> counter.receivedData(msg.data().orElse(null)));
    }
    FaultProxy proxy = closer.add(FaultProxy.to(one.jetty().port()));
    SenteClient alice = client(proxy.uri().resolve("/chsk"), "alice", Transport.WEBSOCKET);
    AtomicInteger opens = new AtomicInteger();
    alice.onState(
        state -> {
          if (state instanceof ClientState.Open) {
            opens.incrementAndGet();
          }
        });
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SteadySender sends =
        closer.add(SteadySender.sending(alice, "test/up", Long.MAX_VALUE / 2, 100));
    for (int port : List.of(two.jetty().port(), one.jetty().port(), two.jetty().port())) {
      long seen = counter.highest();
      eventually().until(() -> counter.highest() > seen + 20);
      int before = opens.get();
      proxy.retarget(port);
      proxy.cut(Duration.ofMillis(300)); // what was handled and not yet confirmed is sent again
      eventually().until(() -> opens.get() > before);
    }
    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + 20);
    sends.close();
    long sent = sends.sent();
    // a send the client refused (more than 100 waiting while it reconnects) was never sent
    eventually().until(() -> counter.distinct() >= sent - sends.refused());
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.duplicated()).as(report.toString()).isZero();
    assertThat(report.reordered()).as(report.toString()).isZero();
    assertThat(report.lost()).as(report.toString()).isEqualTo(sends.refused());
  }

  @Test
  void aNodeWhoseSubscriptionDroppedCatchesUpWithNothingLost() throws Exception {
    Node one = node();
    Node sender = node();
    Watched watched = watched(one);
    SenteClient alice = watched.client();
    DeliveryCounter counter = watched.counter();
    List<Recovery> gaps = watched.gaps();
    long seq = 0;
    for (int round = 0; round < 3; round++) {
      long downs = one.cluster().busStats().downs();
      REDIS.server().command("CLIENT", "KILL", "TYPE", "pubsub"); // every node's subscription drops
      for (int i = 0; i < 20; i++) {
        sender.sente().send("alice", EVENT, DeliveryCounter.numbered(++seq));
      }
      eventually().until(() -> one.cluster().busStats().downs() > downs && one.cluster().isUp());
    }
    long last = seq;
    eventually().until(() -> counter.distinct() >= last);
    DeliveryCounter.Report report = counter.report(last);
    assertThat(report.perfect()).as(report.toString()).isTrue();
    assertThat(gaps).as("nothing was lost: no gap").isEmpty();
  }

  @Test
  void redisKilledAndRestartedEmptyIsAReportedGapAndPushesFlowAgain() throws Exception {
    Node one = node();
    Node sender = node();
    Watched watched = watched(one);
    SenteClient alice = watched.client();
    DeliveryCounter counter = watched.counter();
    List<Recovery> gaps = watched.gaps();
    for (long seq = 1; seq <= 10; seq++) {
      sender.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> counter.distinct() == 10);

    REDIS.server().kill();
    eventually().until(() -> !one.cluster().isUp() && !sender.cluster().isUp());
    for (long seq = 11; seq <= 15; seq++) {
      sender.sente().send("alice", EVENT, DeliveryCounter.numbered(seq)); // Redis is away: lost
    }
    REDIS.server().restart(); // empty: the shared log is gone, the next push starts a new epoch
    eventually().until(() -> one.cluster().isUp() && sender.cluster().isUp());
    eventually()
        .untilAsserted(
            () -> {
              sender.sente().send("alice", "test/probe", null);
              assertThat(gaps).as("the lost events are reported as a gap").isNotEmpty();
            });
    assertThat(gaps.get(0)).isInstanceOf(Recovery.Gap.class);
    counter.clear();
    for (long seq = 1; seq <= 50; seq++) {
      sender.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> counter.distinct() == 50);
    DeliveryCounter.Report report = counter.report(50);
    assertThat(report.perfect()).as("after Redis is back: " + report).isTrue();
    assertThat(alice.state()).isInstanceOf(ClientState.Open.class);
  }

  @Test
  void disconnectOnOneNodeClosesTheUsersConnectionsOnEveryNode() throws Exception {
    Node one = node();
    Node two = node();
    Node three = node();
    SenteClient aliceWs = client(one.uri(), "alice", Transport.WEBSOCKET);
    SenteClient aliceAjax = client(two.uri(), "alice", Transport.AJAX);
    SenteClient bob = client(two.uri(), "bob", Transport.WEBSOCKET);
    AtomicInteger reopened = new AtomicInteger();
    AtomicInteger bobLeftOpen = new AtomicInteger();
    for (SenteClient c : List.of(aliceWs, aliceAjax, bob)) {
      AtomicInteger count = c == bob ? bobLeftOpen : reopened;
      c.onState(
          state -> {
            if (c == bob ? !(state instanceof ClientState.Open) : isReopen(state)) {
              count.incrementAndGet();
            }
          });
      c.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    eventually()
        .until(() -> two.sente().connectedUsers().any().containsAll(List.of("alice", "bob")));
    eventually().until(() -> one.sente().connectedUsers().any().contains("alice"));
    bobLeftOpen.set(0); // the states before bob's first open

    assertThat(three.sente().disconnect("alice")).as("none of hers on the node asked").isZero();
    eventually().until(() -> reopened.get() >= 2); // each of her clients got a fresh handshake
    Awaitility.await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> bobLeftOpen.get() == 0); // bob, on a node that closed alice's, stays open
  }

  private static boolean isReopen(ClientState state) {
    return state instanceof ClientState.Open open && !open.firstOpen();
  }

  @Test
  void aClientOfANodeKilledWithSigkillResumesOnAnotherWithNothingLost() throws Exception {
    ClusterNodes.Forked forked = nodes.forked();
    int doomed = forked.port();
    Node survivor = node();
    Node sender = node();
    FaultProxy proxy = closer.add(FaultProxy.to(doomed)); // the load balancer
    SenteClient alice = client(proxy.uri().resolve("/chsk"), "alice", Transport.WEBSOCKET);
    List<Optional<Recovery>> reopens = new CopyOnWriteArrayList<>();
    AtomicInteger opens = new AtomicInteger();
    alice.onState(
        state -> {
          if (state instanceof ClientState.Open open) {
            opens.incrementAndGet();
            if (!open.firstOpen()) {
              reopens.add(open.recovery());
            }
          }
        });
    DeliveryCounter counter = DeliveryCounter.onClient(alice, EVENT);
    alice.connect().toCompletableFuture().get(20, TimeUnit.SECONDS);
    SteadySender pushes =
        closer.add(SteadySender.pushing(sender.sente(), "alice", EVENT, Long.MAX_VALUE / 2, 200));
    eventually().until(() -> counter.highest() > 50);

    forked.process().destroyForcibly(); // SIGKILL: no close frame, no goodbye to Redis
    assertThat(forked.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    proxy.retarget(survivor.jetty().port()); // the load balancer sends new connections elsewhere
    proxy.cut(); // what the dead node's sockets come to
    eventually().until(() -> opens.get() >= 2);

    long seen = counter.highest();
    eventually().until(() -> counter.highest() > seen + 20);
    pushes.close();
    long sent = pushes.sent();
    eventually().until(() -> counter.distinct() >= sent);
    DeliveryCounter.Report report = counter.report(sent);
    assertThat(report.perfect()).as(report.toString()).isTrue();
    assertThat(reopens).hasSize(1);
    assertThat(reopens.get(0).orElse(null)).isInstanceOf(Recovery.Recovered.class);
  }

  @Test
  void whileRedisIsAwayANodeKeepsServingItsOwnClients() throws Exception {
    Node one = node();
    Node two = node();
    Watched watched = watched(one);
    SenteClient alice = watched.client();
    DeliveryCounter counter = watched.counter();
    List<Recovery> gaps = watched.gaps();
    AtomicInteger probes = new AtomicInteger();
    alice.on("test/probe", event -> probes.incrementAndGet());
    for (long seq = 1; seq <= 10; seq++) {
      one.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> counter.distinct() == 10);

    REDIS.server().kill();
    eventually().until(() -> !one.cluster().isUp());
    for (long seq = 11; seq <= 20; seq++) {
      one.sente().send("alice", EVENT, DeliveryCounter.numbered(seq)); // her own node's pushes
    }
    eventually().until(() -> counter.distinct() == 20);
    assertThat(gaps).as("told that other nodes' pushes may not reach her").isNotEmpty();

    REDIS.server().restart();
    eventually().until(() -> one.cluster().isUp() && two.cluster().isUp());
    eventually()
        .untilAsserted(
            () -> {
              two.sente().send("alice", "test/probe", null);
              assertThat(probes).as("pushes from the other node flow again").hasPositiveValue();
            });
    for (long seq = 21; seq <= 40; seq++) {
      two.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> counter.distinct() == 40);
    DeliveryCounter.Report report = counter.report(40);
    assertThat(report.perfect()).as(report.toString()).isTrue();
  }

  @Test
  void pushesThatReachedOneNodesClientsOnlyAreAGapForTheUsersClientsOnOtherNodes()
      throws Exception {
    FaultProxy toRedis = closer.add(FaultProxy.to(REDIS.server().port()));
    Node cutOff = nodes.node(URI.create("redis://127.0.0.1:" + toRedis.port()), b -> b);
    Node two = node();
    Watched here = watched(cutOff);
    Watched there = watched(two);
    for (long seq = 1; seq <= 10; seq++) {
      two.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> here.counter().distinct() == 10 && there.counter().distinct() == 10);

    toRedis.down(); // this node alone loses Redis
    toRedis.cut();
    eventually().until(() -> !cutOff.cluster().isUp());
    for (long seq = 11; seq <= 15; seq++) {
      cutOff.sente().send("alice", EVENT, DeliveryCounter.numbered(seq)); // reach "here" only
    }
    eventually().until(() -> here.counter().distinct() == 15);
    assertThat(there.gaps()).isEmpty();
    assertThat(cutOff.cluster().failedAppends()).as("counted").isPositive();

    toRedis.restore();
    eventually().until(() -> cutOff.cluster().isUp());
    eventually().until(() -> !there.gaps().isEmpty());
    assertThat(there.gaps().get(0))
        .as("told that pushes did not reach her")
        .isInstanceOf(Recovery.Gap.class);
    for (long seq = 16; seq <= 25; seq++) {
      two.sente().send("alice", EVENT, DeliveryCounter.numbered(seq));
    }
    eventually().until(() -> here.counter().highest() == 25 && there.counter().highest() == 25);
    assertThat(there.counter().distinct()).as("all but the five of the cut-off node").isEqualTo(20);
    assertThat(here.counter().distinct()).isEqualTo(25);
  }

  /** A numbered Ajax POST of alice's client {@code c1}, as the Java and browser clients send it. */
  private static int numberedPost(Node node, long cseq, String text) throws Exception {
    String frame =
        ((dev.sente.core.Packed.Text)
                dev.sente.core.Protocol.of(dev.sente.core.json.JsonPacker.create())
                    .clientEvent(dev.sente.core.Event.of("test/said", text), null))
            .text();
    String form =
        "udt=1&client-id=c1&ppstr="
            + java.net.URLEncoder.encode(frame, java.nio.charset.StandardCharsets.UTF_8);
    java.net.http.HttpRequest post =
        java.net.http.HttpRequest.newBuilder(
                URI.create(node.uri() + "?ext=resume&cepoch=e1&cseq=" + cseq))
            .header("Cookie", "user=alice")
            .header("Origin", "http://127.0.0.1:" + node.jetty().port())
            .header("X-Requested-With", "XMLHttpRequest")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form))
            .build();
    return HTTP.send(post, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

  @Test
  void aNumberedPostSentAgainToAnotherNodeIsHandledOnceAndNoneWaitsForTheOthers() throws Exception {
    Node one = node();
    Node two = node();
    List<String> said = new CopyOnWriteArrayList<>();
    for (Node node : List.of(one, two)) {
      node.sente().on("test/said", msg -> said.add(msg.data(String.class)));
    }
    assertThat(numberedPost(one, 1, "first")).isEqualTo(200);
    assertThat(numberedPost(two, 1, "first")).as("its answer was lost: sent again").isEqualTo(200);
    // 3 before 2, on the other node: handed over at once, not held for the missing one
    assertThat(numberedPost(one, 3, "third")).isEqualTo(200);
    eventually().until(() -> said.contains("third"));
    assertThat(numberedPost(two, 2, "second")).isEqualTo(200);
    assertThat(numberedPost(one, 2, "second")).isEqualTo(200);
    assertThat(numberedPost(two, 4, "fourth")).isEqualTo(200);
    eventually().until(() -> said.contains("fourth"));
    assertThat(said).containsExactlyInAnyOrder("first", "third", "second", "fourth");
  }

  @Test
  void anAjaxClientWithEveryRequestOnTheNextNodeGetsItsPushesRepliesAndSends() throws Exception {
    Node one = node();
    Node two = node();
    Node sender = node();
    List<DeliveryCounter> received = new ArrayList<>();
    for (Node n : List.of(one, two)) {
      n.sente().on("test/echo", msg -> msg.reply(msg.data()));
      received.add(DeliveryCounter.onServer(n.sente(), "test/up"));
    }
    RequestRoundRobin balancer =
        closer.add(RequestRoundRobin.to(one.jetty().port(), two.jetty().port()));
    SenteClient alice = client(balancer.uri().resolve("/chsk"), "alice", Transport.AJAX);
    DeliveryCounter counter = DeliveryCounter.onClient(alice, EVENT);
    alice.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    SteadySender pushes =
        closer.add(SteadySender.pushing(sender.sente(), "alice", EVENT, 300, 200));
    for (int i = 0; i < 30; i++) {
      Integer reply =
          alice
              .request("test/echo", i, Duration.ofSeconds(5))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .as(Integer.class);
      assertThat(reply).isEqualTo(i);
      alice.send("test/up", DeliveryCounter.numbered(i + 1));
    }
    assertThat(pushes.awaitDone(Duration.ofSeconds(30))).isTrue();
    eventually().until(() -> counter.distinct() >= 300);
    DeliveryCounter.Report report = counter.report(300);
    assertThat(report.perfect()).as("pushes: " + report).isTrue();
    eventually().until(() -> received.get(0).distinct() + received.get(1).distinct() >= 30);
    assertThat(received.get(0).arrivals() + received.get(1).arrivals())
        .as("each send handled once, on one node or the other")
        .isEqualTo(30);
    assertThat(balancer.requestsTo(one.jetty().port())).isGreaterThan(10);
    assertThat(balancer.requestsTo(two.jetty().port())).isGreaterThan(10);
  }
}
