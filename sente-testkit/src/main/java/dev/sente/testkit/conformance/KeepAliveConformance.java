package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.SenteServer;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Conformance: the server's keep-alive: an idle WebSocket is pinged with {@code
 * ["chsk/ws-ping",null]}; a client that stays silent is closed after the ping timeout and leaves
 * the connected users after the grace period; a client that answers {@code [["chsk/ws-pong"],null]}
 * stays open. So a client that vanishes without closing is found by the keep-alive.
 */
public abstract class KeepAliveConformance extends ConformanceTestBase {

  private static final String SERVER_PING = "[\"chsk/ws-ping\",null]";
  private static final String CLIENT_PONG = "[[\"chsk/ws-pong\"],null]";

  private static SenteServer.Builder shortTimers() {
    return builder()
        .keepAlive(Duration.ofMillis(600))
        .pingTimeout(Duration.ofMillis(1000))
        .reconnectGrace(Duration.ofMillis(300), Duration.ofMillis(300));
  }

  @Test
  void silentClientIsPingedThenClosedThenDisconnected() {
    ServerFixture server = serve(shortTimers());
    RawWebSocket ws = server.as("alice").connect("c1");
    server.events().await("chsk/uidport-open", "alice");

    assertThat(ws.nextFrame()).isEqualTo(SERVER_PING);
    ws.awaitClose();

    server.events().await("chsk/uidport-close", "alice");
    eventually()
        .untilAsserted(
            () -> assertThat(server.sente().connectedUsers()).isEqualTo(ConnectedUsers.NONE));
    assertThat(server.sente().send("alice", "x/a", 1)).isFalse();
  }

  @Test
  void clientThatAnswersPingsStaysConnected() {
    ServerFixture server = serve(shortTimers());
    RawWebSocket ws = server.as("alice").connect("c1");

    for (int i = 0; i < 2; i++) {
      assertThat(ws.nextFrame()).isEqualTo(SERVER_PING);
      ws.send(CLIENT_PONG);
    }

    server.events().await("chsk/ws-pong");
    assertThat(ws.isOpen()).isTrue();
    assertThat(server.events().count("chsk/uidport-close")).isZero();
    assertThat(server.sente().connectedUsers().webSocket()).containsExactly("alice");
  }

  @Test
  void anyMessageFromTheClientCountsAsAnAnswer() {
    ServerFixture server = serve(shortTimers());
    RawWebSocket ws = server.as("alice").connect("c1");

    assertThat(ws.nextFrame()).isEqualTo(SERVER_PING);
    ws.send("[[\"a/alive\",1],null]");
    assertThat(ws.nextFrame()).as("pinged again instead of closed").isEqualTo(SERVER_PING);

    server.events().await("a/alive", 1);
    assertThat(ws.isOpen()).isTrue();
  }
}
