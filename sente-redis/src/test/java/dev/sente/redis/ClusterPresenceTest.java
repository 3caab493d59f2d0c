package dev.sente.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.core.Protocol;
import dev.sente.redis.ClusterNodes.Node;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster's connected users: every node answers for the cluster, and {@code chsk/uidport-open},
 * {@code chsk/uidport-close} and the change notifications fire once per cluster, on the node that
 * made the change, counted over every node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPresenceTest {
  @RegisterExtension static final RedisForTests REDIS = new RedisForTests();
  @RegisterExtension final Closer closer = new Closer();
  private ClusterNodes nodes;

  /** What every node of a test heard, in one list: "open alice", "close bob", "change". */
  private final List<String> heard = new CopyOnWriteArrayList<>();

  /** The change notifications of every node of a test. */
  private final List<ConnectedUsersChange> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void nodes(TestInfo test) {
    nodes = new ClusterNodes(REDIS.server(), closer, test);
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10));
  }

  /** A node with short grace periods, whose uidport events and changes are recorded. */
  private Node node() {
    Node node =
        nodes.node(
            builder -> builder.reconnectGrace(Duration.ofMillis(300), Duration.ofMillis(300)));
    listen(node.sente());
    return node;
  }

  private void listen(SenteServer sente) {
    sente.on(Protocol.USER_CONNECTED, msg -> heard.add("open " + msg.data(String.class)));
    sente.on(Protocol.USER_DISCONNECTED, msg -> heard.add("close " + msg.data(String.class)));
    sente.onConnectedUsersChange(changes::add);
  }

  private SenteClient connected(Node node, String user, Transport transport) throws Exception {
    SenteClient client = nodes.client(node.uri(), user, transport);
    client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return client;
  }

  private static ConnectedUsers users(Set<String> webSocket, Set<String> ajax, Set<String> any) {
    return new ConnectedUsers(webSocket, ajax, any);
  }

  private long count(String what) {
    return heard.stream().filter(what::equals).count();
  }

  @Test
  void everyNodeAnswersForTheClusterAndEachOpenAndCloseIsHeardOnce() throws Exception {
    Node one = node();
    Node two = node();
    Node three = node();
    SenteClient aliceWs = connected(one, "alice", Transport.WEBSOCKET);
    SenteClient aliceAjax = connected(two, "alice", Transport.AJAX);
    SenteClient bob = connected(three, "bob", Transport.WEBSOCKET);

    ConnectedUsers all = users(Set.of("alice", "bob"), Set.of("alice"), Set.of("alice", "bob"));
    for (Node node : List.of(one, two, three)) {
      eventually().until(() -> node.sente().connectedUsers().equals(all));
    }
    eventually().until(() -> changes.size() >= 3);
    // a last change, then every earlier one has been heard: nothing was heard twice
    SenteClient carol = connected(three, "carol", Transport.AJAX);
    eventually().until(() -> count("open carol") == 1);
    assertThat(count("open alice")).isEqualTo(1);
    assertThat(count("open bob")).isEqualTo(1);
    assertThat(changes).as("alice ws, alice ajax, bob, carol").hasSize(4);
    assertThat(changes.get(changes.size() - 1).after().any())
        .containsExactlyInAnyOrder("alice", "bob", "carol");

    aliceWs.close(); // alice keeps her Ajax client on node two: not a close
    eventually().until(() -> !three.sente().connectedUsers().webSocket().contains("alice"));
    assertThat(three.sente().connectedUsers().any()).contains("alice");
    aliceAjax.close();
    eventually().until(() -> count("close alice") == 1);
    bob.close();
    carol.close();
    eventually().until(() -> count("close bob") == 1 && count("close carol") == 1);
    for (Node node : List.of(one, two, three)) {
      eventually().until(() -> node.sente().connectedUsers().equals(ConnectedUsers.NONE));
    }
    assertThat(heard)
        .as("once each")
        .containsExactlyInAnyOrder(
            "open alice", "open bob", "open carol", "close alice", "close bob", "close carol");
  }

  @Test
  void aReloadThatLandsOnTheOtherNodeIsNoCloseAndOpen() throws Exception {
    Node one = node();
    Node two = node();
    SenteClient first = connected(one, "alice", Transport.WEBSOCKET);
    eventually().until(() -> count("open alice") == 1);

    first.close(); // the page reloads; the balancer sends it to the other node
    connected(two, "alice", Transport.WEBSOCKET);
    // both nodes had alice for a moment; node one's grace ran out and it let her go
    eventually()
        .until(
            () -> "1".equals(REDIS.server().command("HGET", nodes.prefix() + ":users", "w|alice")));
    SenteClient bob = connected(one, "bob", Transport.WEBSOCKET);
    eventually().until(() -> count("open bob") == 1);
    assertThat(heard).containsExactlyInAnyOrder("open alice", "open bob");
    assertThat(one.sente().connectedUsers().any()).containsExactlyInAnyOrder("alice", "bob");
    bob.close();
  }

  @Test
  void theUsersOfANodeKilledWithSigkillLeaveTheClusterWithinTheDocumentedTime() throws Exception {
    ClusterNodes.Forked doomed = nodes.forked();
    Node survivor = node();
    SenteClient bob = nodes.client(doomed.uri(), "bob", Transport.WEBSOCKET);
    bob.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
    connected(survivor, "alice", Transport.AJAX);
    eventually().until(() -> survivor.sente().connectedUsers().any().contains("bob"));

    doomed.process().destroyForcibly(); // SIGKILL: no goodbye to Redis
    assertThat(doomed.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    long killed = System.nanoTime();
    Awaitility.await()
        .atMost(
            Duration.ofMillis(RedisCluster.ALIVE_MILLIS + RedisCluster.HEARTBEAT_MILLIS + 2_000))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !survivor.sente().connectedUsers().any().contains("bob"));
    long tookMillis = (System.nanoTime() - killed) / 1_000_000;
    eventually().until(() -> count("close bob") == 1);
    assertThat(survivor.sente().connectedUsers().any()).as(tookMillis + " ms").contains("alice");
    assertThat(count("close alice")).isZero();
    bob.close(); // it kept trying the dead node
  }
}
