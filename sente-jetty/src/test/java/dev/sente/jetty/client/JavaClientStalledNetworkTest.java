package dev.sente.jetty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.core.Protocol;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import dev.sente.testkit.client.RecordingClient;
import dev.sente.testkit.faults.FaultProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client and the real server behind a {@link FaultProxy}: keep-alive pings find a frozen
 * network on both sides, and pushes are batched on the wire.
 */
class JavaClientStalledNetworkTest {

  @RegisterExtension final Closer closer = new Closer();

  private FaultProxy proxyTo(SenteServer sente) {
    sente.on("chat/save", msg -> msg.reply(Map.of("saved", msg.data(String.class))));
    JettyServer jetty = closer.add(SenteJetty.serve(sente, 0));
    return closer.add(FaultProxy.to(jetty.port()));
  }

  private static SenteServer.Builder server() {
    return SenteServer.builder().userId(request -> request.cookie("user"));
  }

  private static SenteClientBuilder alice(FaultProxy proxy) {
    return SenteClient.builder(proxy.uri().resolve("/chsk"))
        .transport(Transport.WEBSOCKET)
        .cookie("user", "alice")
        .backoff(JavaClientRestartTest.FAST);
  }

  @Test
  void aClientWhosePingGoesUnansweredClosesWithPingTimeoutAndReopensWhenTheNetworkRecovers() {
    FaultProxy proxy = proxyTo(server().build());
    RecordingClient alice =
        closer.add(
            RecordingClient.build(
                alice(proxy)
                    .keepAlive(Duration.ofMillis(400))
                    .pingTimeout(Duration.ofMillis(300))
                    .connectTimeout(Duration.ofSeconds(1))));
    alice.connect();
    alice.clear();

    proxy.stall();

    ClientState.Closed closed = alice.assertState(ClientState.Closed.class);
    assertThat(closed.reason()).isEqualTo(CloseReason.PING_TIMEOUT);
    assertThat(closed.willReconnect()).isTrue();
    alice.assertState(ClientState.ReconnectScheduled.class);
    assertThat(alice.client().state().isOpen()).isFalse();

    proxy.resume();

    ClientState.Open open = alice.awaitState(ClientState.Open.class);
    assertThat(open.firstOpen()).isFalse();
    assertThat(alice.request("chat/save", "back").value()).contains(Map.of("saved", "back"));
  }

  @Test
  void theServerDropsAClientBehindAFrozenNetworkAndItsUserLeavesAfterTheGracePeriod() {
    Queue<EventMessage> notices = new ConcurrentLinkedQueue<>();
    AtomicInteger pongs = new AtomicInteger();
    SenteServer sente =
        server()
            .keepAlive(Duration.ofMillis(300))
            .pingTimeout(Duration.ofMillis(300))
            .reconnectGrace(Duration.ofMillis(300), Duration.ofMillis(300))
            .build();
    sente.onAny(
        msg -> {
          if (msg.id().equals(Protocol.WS_PONG)) {
            pongs.incrementAndGet();
          } else {
            notices.add(msg);
          }
        });
    FaultProxy proxy = proxyTo(sente);
    RecordingClient alice = closer.add(RecordingClient.build(alice(proxy)));
    alice.connect();
    alice.clear();
    await().atMost(Duration.ofSeconds(10)).until(() -> hasNotice(notices, Protocol.USER_CONNECTED));
    // the server's pings are answered through the proxy while it forwards
    await().atMost(Duration.ofSeconds(10)).until(() -> pongs.get() >= 2);
    assertThat(sente.connectedUsers().webSocket()).containsExactly("alice");

    long stalledAt = System.nanoTime();
    proxy.stall();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> hasNotice(notices, Protocol.USER_DISCONNECTED));
    Duration gone = Duration.ofNanos(System.nanoTime() - stalledAt);
    assertThat(sente.connectedUsers().any()).doesNotContain("alice");
    // at least the ping timeout and the grace period (300 + 300 ms) passed, less a ping in flight
    assertThat(gone).isGreaterThanOrEqualTo(Duration.ofMillis(450));
    EventMessage left = notice(notices, Protocol.USER_DISCONNECTED);
    assertThat(left.userId()).isEqualTo("alice");
    assertThat(left.clientId()).isEqualTo(alice.client().clientId());
    // the client, whose own keep-alive is slow, has not noticed anything
    assertThat(alice.client().state().isOpen()).isTrue();

    proxy.resume();

    // the server's close frame comes through at last; the client reconnects and the user is back
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sente.connectedUsers().webSocket().contains("alice"));
    assertThat(alice.awaitState(ClientState.Open.class).firstOpen()).isFalse();
  }

  @Test
  void twoPushesWithinTheWebSocketWindowReachTheClientInOrderInOneFrame() {
    SenteServer sente =
        server().batchWindows(Duration.ofMillis(300), Duration.ofMillis(100)).build();
    FaultProxy proxy = proxyTo(sente);
    RecordingClient alice = closer.add(RecordingClient.build(alice(proxy)));
    alice.connect();
    alice.clear();

    assertThat(sente.send("alice", "chat/line", "one")).isTrue();
    assertThat(sente.send("alice", "chat/line", "two")).isTrue();

    alice.assertEvent("chat/line", "one");
    alice.assertEvent("chat/line", "two");
    alice.assertExhausted();
    List<String> pushes =
        proxy.textFramesToClients().stream().filter(frame -> frame.contains("chat/line")).toList();
    assertThat(pushes).hasSize(1);
    String frame = pushes.get(0);
    assertThat(frame.indexOf("\"one\"")).isPositive().isLessThan(frame.indexOf("\"two\""));
  }

  private static boolean hasNotice(Queue<EventMessage> notices, String id) {
    return notices.stream().anyMatch(msg -> msg.id().equals(id));
  }

  private static EventMessage notice(Queue<EventMessage> notices, String id) {
    return notices.stream().filter(msg -> msg.id().equals(id)).findFirst().orElseThrow();
  }
}
