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
import dev.sente.testkit.Closer;
import dev.sente.testkit.client.RecordingClient;
import dev.sente.testkit.faults.DeliveryCounter;
import dev.sente.testkit.faults.FaultProxy;
import dev.sente.testkit.faults.SteadySender;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fault proxy between the real server and the Java client: each fault does what it says. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyJettyTest {

  private static final Backoff FAST =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200), Backoff.Jitter.NONE);

  @RegisterExtension final Closer closer = new Closer();

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
  }

  private static ConditionFactory throughout(Duration period) {
    return Awaitility.await()
        .during(period)
        .atMost(period.plusSeconds(5))
        .pollInterval(Duration.ofMillis(10));
  }

  private static SenteServer.Builder server() {
    return SenteServer.builder().userId(request -> request.cookie("user"));
  }

  private JettyServer serve(SenteServer sente) {
    closer.add(sente);
    return closer.add(SenteJetty.server(sente).host("127.0.0.1").port(0).start());
  }

  private FaultProxy proxyTo(JettyServer jetty) {
    return closer.add(FaultProxy.to(jetty.port()));
  }

  private static SenteClientBuilder alice(FaultProxy proxy, Transport transport) {
    return SenteClient.builder(proxy.uri().resolve("/chsk"))
        .transport(transport)
        .cookie("user", "alice")
        .backoff(FAST);
  }

  private RecordingClient connected(SenteClientBuilder builder) {
    RecordingClient client = closer.add(RecordingClient.build(builder));
    client.connect();
    client.clear();
    return client;
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void afterAStallNoBytesFlowAndNeitherSideSeesACloseUntilItResumes(Transport transport) {
    SenteServer sente = server().build();
    FaultProxy proxy = proxyTo(serve(sente));
    RecordingClient alice = connected(alice(proxy, transport));

    proxy.stall();
    long toClient = proxy.bytesToClient();
    long toServer = proxy.bytesToServer();
    assertThat(sente.send("alice", "test/line", "held")).isTrue();

    throughout(Duration.ofSeconds(1))
        .until(
            () ->
                proxy.bytesToClient() == toClient
                    && proxy.bytesToServer() == toServer
                    && alice.client().state().isOpen()
                    && sente.connectedUsers().any().contains("alice"));
    alice.assertExhausted();

    proxy.resume();
    alice.assertEvent("test/line", "held");
    alice.assertExhausted();
  }

  @Test
  void afterACutBothSidesSeeAClose() {
    SenteServer sente =
        server().reconnectGrace(Duration.ofMillis(100), Duration.ofMillis(100)).build();
    FaultProxy proxy = proxyTo(serve(sente));
    RecordingClient alice = connected(alice(proxy, Transport.WEBSOCKET));
    eventually().until(() -> sente.connectedUsers().webSocket().contains("alice"));

    proxy.cut(Duration.ofMinutes(1)); // and stays down: the client cannot come back

    assertThat(alice.assertState(ClientState.Closed.class).willReconnect()).isTrue();
    eventually().until(() -> !sente.connectedUsers().any().contains("alice"));
    assertThat(proxy.refusedConnections()).isPositive();

    proxy.restore();
    assertThat(alice.awaitState(ClientState.Open.class).firstOpen()).isFalse();
    eventually().until(() -> sente.connectedUsers().webSocket().contains("alice"));
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void afterRetargetNewConnectionsReachTheNewServer(Transport transport) {
    FaultProxy proxy = proxyTo(serve(server().build()));
    RecordingClient alice = connected(alice(proxy, transport));
    SenteServer restarted = server().build();
    JettyServer second = serve(restarted);

    proxy.retarget(second.port());
    proxy.cut();

    if (transport == Transport.WEBSOCKET) {
      assertThat(alice.awaitState(ClientState.Open.class).firstOpen()).isFalse();
    } // an Ajax client's cut poll is sent again by the HTTP client and answered with a handshake
    // the new server has no log of the old one's stream: an unknown gap, on either transport
    alice.assertEvent(Recovery.EVENT_ID);
    eventually().until(() -> restarted.connectedUsers().any().contains("alice"));
    assertThat(restarted.send("alice", "test/line", "from the new server")).isTrue();
    alice.assertEvent("test/line", "from the new server");
  }

  @Test
  void anUpgradeAnswered200MakesTheAutoClientFallBackToAjax() {
    SenteServer sente = server().build();
    FaultProxy proxy = proxyTo(serve(sente));
    proxy.answer200InsteadOf101();

    RecordingClient alice = closer.add(RecordingClient.build(alice(proxy, Transport.AUTO)));
    ClientState.Open open = alice.connect();

    assertThat(open.transport()).isEqualTo(Transport.AJAX);
    assertThat(proxy.brokenUpgrades()).isEqualTo(1);
    eventually().until(() -> sente.connectedUsers().ajax().contains("alice"));
    assertThat(sente.connectedUsers().webSocket()).doesNotContain("alice");
    alice.clear();
    assertThat(sente.send("alice", "test/line", "over ajax")).isTrue();
    alice.assertEvent("test/line", "over ajax");
  }

  @Test
  void aClientSideResetLetsTheClientReconnectWhileTheServerStillHoldsTheOldConnection() {
    SenteServer sente = server().build();
    FaultProxy proxy = proxyTo(serve(sente));
    RecordingClient alice = connected(alice(proxy, Transport.WEBSOCKET));
    FaultProxy.Connection old = proxy.connections().get(0);

    proxy.resetClientSides();

    assertThat(alice.assertState(ClientState.Closed.class).willReconnect()).isTrue();
    assertThat(alice.awaitState(ClientState.Open.class).firstOpen()).isFalse();
    // resumed on the new connection: the recovery event follows the reopen
    alice.assertEvent(Recovery.EVENT_ID, Map.of("recovered", true));
    assertThat(old.isOpen()).isTrue();
    assertThat(old.isClientSideReset()).isTrue();
    assertThat(proxy.connections()).hasSize(2).contains(old);
    long oldToClient = old.bytesToClient();
    alice.clear();
    assertThat(sente.send("alice", "test/line", "on the new one")).isTrue();
    alice.assertEvent("test/line", "on the new one");
    assertThat(old.bytesToClient()).isEqualTo(oldToClient);

    proxy.cut();
    assertThat(old.isOpen()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void withoutFaultsNumberedPushesAndSendsArriveAllOnceAndInOrder(Transport transport) {
    SenteServer sente = server().build();
    DeliveryCounter atServer = DeliveryCounter.onServer(sente, "test/up");
    FaultProxy proxy = proxyTo(serve(sente));
    SenteClient client = alice(proxy, transport).build();
    closer.add(client);
    DeliveryCounter atClient = DeliveryCounter.onClient(client, "test/down");
    RecordingClient alice = closer.add(RecordingClient.record(client));
    alice.connect();
    eventually().until(() -> sente.connectedUsers().any().contains("alice"));

    int count = 100;
    SteadySender pushes = closer.add(SteadySender.pushing(sente, "alice", "test/down", count, 500));
    SteadySender sends = closer.add(SteadySender.sending(client, "test/up", count, 500));
    assertThat(pushes.awaitDone(Duration.ofSeconds(10))).isTrue();
    assertThat(sends.awaitDone(Duration.ofSeconds(10))).isTrue();
    assertThat(pushes.refused()).isZero();
    assertThat(sends.refused()).isZero();

    eventually().until(() -> atClient.distinct() == count && atServer.distinct() == count);
    assertThat(atClient.report(count).perfect()).as(atClient.report(count).toString()).isTrue();
    DeliveryCounter.Report up = atServer.report(count);
    if (transport == Transport.WEBSOCKET) {
      assertThat(up.perfect()).as(up.toString()).isTrue();
    } else {
      // each Ajax send is its own POST, and concurrent POSTs may overtake each other
      assertThat(up.lost() + up.duplicated() + up.unexpected()).as(up.toString()).isZero();
    }
  }
}
