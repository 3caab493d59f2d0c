package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.Transport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's keep-alive: defaults keep-alive 20 s, checked every 10 s; ping timeout 5 s. */
class KeepAliveTest {

  private static final Pattern PING =
      Pattern.compile("^\\[\\[\"chsk/ws-ping\"\\],\"([0-9a-f]{6})\"\\]$");

  private final Fixture f = new Fixture(Transport.WEBSOCKET);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void anIdleConnectionIsPingedAtTheFirstCheckWithoutActivity() {
    FakeWire.FakeSocket socket = f.openWebSocket(); // the handshake counts as activity

    f.time.advance(10_000);
    assertThat(socket.sent()).isEmpty();
    f.time.advance(10_000);

    assertThat(socket.sent()).hasSize(1);
    assertThat(socket.lastSent()).matches(PING);
  }

  @Test
  void trafficPostponesThePing() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    for (int i = 0; i < 5; i++) {
      f.time.advance(9_000);
      socket.receive("[[[\"x/a\"," + i + "]],null]");
    }
    assertThat(socket.sent()).isEmpty();
  }

  @Test
  void aPongKeepsTheConnectionOpenAndTheNextPingComesAfterAnotherIdleWindow() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    f.time.advance(20_000);
    socket.receive("[\"pong\",\"" + pingId(socket.lastSent()) + "\"]");

    f.time.advance(5_000);
    assertThat(f.client.state().isOpen()).isTrue();
    f.time.advance(5_000); // 30 s: the ping and pong were activity
    assertThat(socket.sent()).hasSize(1);
    f.time.advance(10_000); // 40 s: idle again
    assertThat(socket.sent()).hasSize(2);
    assertThat(socket.lastSent()).matches(PING);
  }

  @Test
  void noAnswerWithinThePingTimeoutClosesWithPingTimeoutAndReconnects() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    f.time.advance(20_000);
    f.takeStates();

    f.time.advance(4_999);
    assertThat(f.client.state().isOpen()).isTrue();
    f.time.advance(1);

    assertThat(socket.aborted).isTrue();
    assertThat(f.takeStates())
        .hasSize(3)
        .first()
        .isInstanceOfSatisfying(
            ClientState.Closed.class,
            c -> {
              assertThat(c.reason()).isEqualTo(CloseReason.PING_TIMEOUT);
              assertThat(c.willReconnect()).isTrue();
            });
    assertThat(f.client.state()).isEqualTo(new ClientState.Connecting(Transport.WEBSOCKET, 1));
    assertThat(f.wire.nextSocket()).isNotSameAs(socket);
  }

  @Test
  void keepAliveAndPingTimeoutAreConfigurable() {
    try (Fixture g =
        new Fixture(
            Transport.WEBSOCKET,
            b ->
                b.keepAlive(java.time.Duration.ofSeconds(2))
                    .pingTimeout(java.time.Duration.ofMillis(500)))) {
      FakeWire.FakeSocket socket = g.openWebSocket();
      g.time.advance(2_000);
      assertThat(socket.sent()).hasSize(1);
      g.time.advance(500);
      assertThat(g.states)
          .filteredOn(ClientState.Closed.class::isInstance)
          .map(s -> ((ClientState.Closed) s).reason())
          .containsExactly(CloseReason.PING_TIMEOUT);
    }
  }

  @Test
  void aClosedConnectionLeavesNoKeepAliveTimerBehind() {
    f.openWebSocket();
    f.client.disconnect();
    assertThat(f.time.pendingDelays()).as("only the close grace abort").containsExactly(2_000L);
    f.time.advance(2_000);
    assertThat(f.time.pending()).isZero();
  }

  private static String pingId(String frame) {
    Matcher m = PING.matcher(frame);
    assertThat(m.matches()).as(frame).isTrue();
    return m.group(1);
  }
}
