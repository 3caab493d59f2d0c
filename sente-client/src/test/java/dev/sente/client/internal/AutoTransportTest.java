package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.Reply;
import dev.sente.client.Transport;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code AUTO}: WebSocket first, Ajax when it fails before any handshake, WebSocket again later.
 */
class AutoTransportTest {

  private final Fixture f = new Fixture(Transport.AUTO);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void aWebSocketThatHandshakesIsUsed() {
    f.openWebSocket();
    assertThat(f.wire.pendingExchanges()).isZero();
  }

  @Test
  void anUpgradeRefusedBeforeAnyHandshakeDowngradesToAjaxAtOnce() {
    CompletableFuture<ClientState.Open> connected = f.client.connect().toCompletableFuture();
    f.wire.nextSocket().refuse(500);

    assertThat(f.takeStates())
        .containsExactly(
            new ClientState.Connecting(Transport.WEBSOCKET, 0),
            new ClientState.Closed(
                CloseReason.DOWNGRADING,
                OptionalInt.of(500),
                "WebSocket upgrade answered with HTTP 500",
                true),
            new ClientState.Connecting(Transport.AJAX, 0));
    FakeWire.FakeExchange handshake = f.wire.nextExchange();
    assertThat(handshake.query()).contains("handshake%3F=1");
    handshake.respond(200, Fixture.HANDSHAKE);

    assertThat(connected)
        .isCompletedWithValue(
            new ClientState.Open(Optional.of("alice"), Transport.AJAX, Optional.empty(), true));
  }

  @Test
  void afterADowngradeAjaxFailuresRetryOnAjax() {
    f.client.connect();
    f.wire.nextSocket().unreachable();
    f.wire.nextExchange().fail(new java.net.ConnectException("refused"));
    f.time.advance(0);
    assertThat(f.client.state()).isEqualTo(new ClientState.Connecting(Transport.AJAX, 1));
    assertThat(f.wire.openedSockets()).isZero();
  }

  @Test
  void aWebSocketThatHandshookOnceIsNeverDowngraded() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    socket.serverClose(1006);
    f.time.advance(0);
    f.wire.nextSocket().refuse(500);

    assertThat(f.states)
        .noneMatch(s -> s instanceof ClientState.Closed c && c.reason() == CloseReason.DOWNGRADING);
    assertThat(f.wire.pendingExchanges()).isZero();
  }

  @Test
  void onAjaxTheWebSocketIsRetriedInTheBackgroundAndTakesOverWhenItHandshakes() throws Exception {
    f.client.connect();
    f.wire.nextSocket().refuse(500);
    f.wire.nextExchange().respond(200, Fixture.HANDSHAKE);
    FakeWire.FakeExchange poll = f.wire.nextExchange();
    CompletableFuture<Reply> inFlight =
        f.client.request("a/b", 1, Duration.ofSeconds(60)).toCompletableFuture();
    FakeWire.FakeExchange post = f.wire.nextExchange();
    f.takeStates();

    f.time.advance(29_999);
    assertThat(f.wire.openedSockets()).isZero();
    f.time.advance(1);
    FakeWire.FakeSocket probe = f.wire.nextSocket();
    assertThat(f.client.state().isOpen()).as("Ajax stays in use while probing").isTrue();
    probe.accept().receive(Fixture.HANDSHAKE);

    assertThat(f.takeStates())
        .containsExactly(
            new ClientState.Open(
                Optional.of("alice"), Transport.WEBSOCKET, Optional.empty(), false));
    assertThat(poll.isCancelled()).isTrue();
    post.respond(200, "[\"done\",null]");
    assertThat(inFlight.get().value()).contains("done");
    assertThat(f.client.send("x/y", 1)).isTrue();
    assertThat(probe.lastSent()).isEqualTo("[[\"x/y\",1],null]");
  }

  @Test
  void aFailedProbeIsRetriedAfterTheIntervalWithoutTouchingTheState() {
    f.client.connect();
    f.wire.nextSocket().refuse(403);
    f.wire.nextExchange().respond(200, Fixture.HANDSHAKE);
    f.takeStates();

    f.time.advance(30_000);
    f.wire.nextSocket().refuse(403);
    f.time.advance(30_000);
    f.wire.nextSocket().unreachable();

    assertThat(f.takeStates()).isEmpty();
    assertThat(f.client.state().isOpen()).isTrue();
  }

  @Test
  void theUpgradeRetryCanBeTurnedOff() {
    try (Fixture g = new Fixture(Transport.AUTO, b -> b.upgradeRetryInterval(Duration.ZERO))) {
      g.client.connect();
      g.wire.nextSocket().refuse(500);
      g.wire.nextExchange().respond(200, Fixture.HANDSHAKE);
      g.time.advance(600_000);
      assertThat(g.wire.openedSockets()).isZero();
    }
  }

  @Test
  void reconnectTriesTheWebSocketFirstAgain() {
    f.client.connect();
    f.wire.nextSocket().refuse(500);
    f.wire.nextExchange().respond(200, Fixture.HANDSHAKE);

    f.client.reconnect();

    assertThat(f.client.state()).isEqualTo(new ClientState.Connecting(Transport.WEBSOCKET, 0));
    assertThat(f.wire.nextSocket()).isNotNull();
  }
}
