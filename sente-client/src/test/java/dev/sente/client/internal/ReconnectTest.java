package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Transport;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ReconnectTest {

  @Test
  void aDroppedConnectionRetriesAtOnceThenWithTheBackoffsDelays() {
    try (Fixture f =
        new Fixture(Transport.WEBSOCKET, b -> b.backoff(n -> Duration.ofSeconds(n * 10L)))) {
      FakeWire.FakeSocket socket = f.openWebSocket();
      f.takeStates();

      socket.serverClose(1000);
      assertThat(f.takeStates())
          .hasSize(2)
          .satisfiesExactly(
              s ->
                  assertThat(s)
                      .isEqualTo(
                          new ClientState.Closed(
                              CloseReason.CLEAN, OptionalInt.of(1000), "bye", true)),
              s ->
                  assertThat(s)
                      .isInstanceOfSatisfying(
                          ClientState.ReconnectScheduled.class,
                          r -> {
                            assertThat(r.attempt()).isEqualTo(1);
                            assertThat(r.delay()).isEqualTo(Duration.ofSeconds(10));
                          }));

      f.time.advance(9_999);
      assertThat(f.wire.openedSockets()).isZero();
      f.time.advance(1);
      assertThat(f.client.state()).isEqualTo(new ClientState.Connecting(Transport.WEBSOCKET, 1));
      f.wire.nextSocket().unreachable();
      assertThat(f.client.state())
          .isInstanceOfSatisfying(
              ClientState.ReconnectScheduled.class,
              r -> assertThat(r.delay()).isEqualTo(Duration.ofSeconds(20)));

      f.time.advance(20_000);
      f.wire.nextSocket().accept().receive(Fixture.HANDSHAKE);
      assertThat(f.client.state())
          .isInstanceOfSatisfying(ClientState.Open.class, o -> assertThat(o.firstOpen()).isFalse());
      assertThat(f.wire.openedSockets()).isZero();
    }
  }

  @Test
  void theDefaultBackoffRetriesImmediatelyThenWaitsTwoToFourSeconds() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      f.client.connect();
      f.wire.nextSocket().unreachable();
      assertThat(f.client.state())
          .isInstanceOfSatisfying(
              ClientState.ReconnectScheduled.class,
              r -> assertThat(r.delay()).isEqualTo(Duration.ZERO));
      f.time.advance(0);
      f.wire.nextSocket().unreachable();
      assertThat(f.client.state())
          .isInstanceOfSatisfying(
              ClientState.ReconnectScheduled.class,
              r -> {
                assertThat(r.attempt()).isEqualTo(2);
                assertThat(r.delay()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
              });
    }
  }

  @Test
  void aHandshakeResetsTheRetryCount() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET, b -> b.backoff(n -> Duration.ofSeconds(n)))) {
      f.client.connect();
      f.wire.nextSocket().unreachable();
      f.time.advance(1_000);
      f.wire.nextSocket().unreachable();
      f.time.advance(2_000);
      FakeWire.FakeSocket socket = f.wire.nextSocket().accept().receive(Fixture.HANDSHAKE);
      f.takeStates();

      socket.serverClose(1011);

      assertThat(f.client.state())
          .isInstanceOfSatisfying(
              ClientState.ReconnectScheduled.class, r -> assertThat(r.attempt()).isEqualTo(1));
    }
  }

  @Test
  void aRefusedUpgradeIsRejectedAndRetriedByDefault() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      f.client.connect();
      f.wire.nextSocket().refuse(403);
      assertThat(f.states)
          .contains(
              new ClientState.Closed(
                  CloseReason.REJECTED,
                  OptionalInt.of(403),
                  "WebSocket upgrade answered with HTTP 403",
                  true));
      assertThat(f.client.state()).isInstanceOf(ClientState.ReconnectScheduled.class);
    }
  }

  @Test
  void stopReconnectingOnAStatusLeavesTheClientClosedAndFailsConnect() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET, b -> b.stopReconnectingOn(401, 403))) {
      CompletableFuture<ClientState.Open> connected = f.client.connect().toCompletableFuture();
      f.wire.nextSocket().refuse(401);

      assertThat(f.client.state())
          .isEqualTo(
              new ClientState.Closed(
                  CloseReason.REJECTED,
                  OptionalInt.of(401),
                  "WebSocket upgrade answered with HTTP 401",
                  false));
      assertThat(connected)
          .failsWithin(Duration.ZERO)
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ConnectionClosedException.class);
      assertThat(f.time.pending()).isZero();

      f.client.connect(); // after a login, for instance
      assertThat(f.wire.nextSocket()).isNotNull();
    }
  }

  @Test
  void disconnectStopsRetryingUntilTheNextConnect() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = f.openWebSocket();
      f.takeStates();

      f.client.disconnect();

      assertThat(socket.closeCode).isEqualTo(1000);
      assertThat(f.takeStates())
          .containsExactly(ClientState.Closed.of(CloseReason.REQUESTED_DISCONNECT, false));
      f.time.advance(60_000);
      assertThat(f.wire.openedSockets()).isZero();
      assertThat(f.client.send("a/b", 1)).isFalse();

      f.client.connect();
      f.wire.nextSocket().accept().receive(Fixture.HANDSHAKE);
      assertThat(f.client.state().isOpen()).isTrue();
    }
  }

  @Test
  void disconnectWhileWaitingToRetryCancelsTheRetry() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      CompletableFuture<ClientState.Open> connected = f.client.connect().toCompletableFuture();
      f.wire.nextSocket().unreachable();
      f.time.advance(0);
      f.wire.nextSocket().unreachable();

      f.client.disconnect();

      assertThat(f.time.pending()).isZero();
      assertThat(connected).isCompletedExceptionally();
    }
  }

  @Test
  void reconnectDropsTheConnectionAndConnectsAgainAtOnce() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = f.openWebSocket();
      CompletableFuture<?> reply =
          f.client.request("a/b", 1, Duration.ofSeconds(9)).toCompletableFuture();
      f.takeStates();

      f.client.reconnect();

      assertThat(socket.closeCode).isEqualTo(1000);
      assertThat(reply).isCompletedExceptionally();
      assertThat(f.takeStates())
          .containsExactly(
              ClientState.Closed.of(CloseReason.REQUESTED_RECONNECT, true),
              new ClientState.Connecting(Transport.WEBSOCKET, 0));
      f.wire.nextSocket().accept().receive(Fixture.HANDSHAKE);
      assertThat(f.client.state())
          .isInstanceOfSatisfying(ClientState.Open.class, o -> assertThat(o.firstOpen()).isFalse());
    }
  }

  @Test
  void closeFailsRequestsCancelsEveryTimerAndEndsInClientClosed() {
    Fixture f = new Fixture(Transport.WEBSOCKET);
    FakeWire.FakeSocket socket = f.openWebSocket();
    CompletableFuture<?> reply =
        f.client.request("a/b", 1, Duration.ofSeconds(9)).toCompletableFuture();

    f.close();
    f.close(); // idempotent

    assertThat(reply)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    assertThat(f.time.pendingDelays()).as("only the close grace abort").containsExactly(2_000L);
    assertThat(socket.closeCode).isEqualTo(1000);
    assertThat(f.client.state()).isEqualTo(ClientState.Closed.of(CloseReason.CLIENT_CLOSED, false));
    assertThat(f.client.connect().toCompletableFuture()).isCompletedExceptionally();
    assertThat(f.client.send("a/b", 1)).isFalse();
    f.time.advance(2_000);
    assertThat(socket.aborted).isTrue();
    assertThat(f.time.pending()).isZero();
  }

  @Test
  void eventsFromAnOldConnectionAreIgnoredAfterReconnect() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket old = f.openWebSocket();
      f.client.reconnect();
      f.takeEventIds();
      f.takeStates();

      old.receive("[[[\"x/a\",1]],null]");
      old.serverClose(1006);

      assertThat(f.takeEventIds()).isEmpty();
      assertThat(f.takeStates()).isEmpty();
    }
  }

  @Test
  void aBackoffThatThrowsIsReportedAndTheDefaultIsUsed() {
    try (Fixture f =
        new Fixture(
            Transport.WEBSOCKET,
            b ->
                b.backoff(
                    n -> {
                      throw new IllegalStateException("bad backoff");
                    }))) {
      f.client.connect();
      f.wire.nextSocket().unreachable();

      assertThat(f.errors).singleElement().satisfies(e -> assertThat(e).hasMessage("bad backoff"));
      assertThat(f.client.state())
          .isInstanceOfSatisfying(
              ClientState.ReconnectScheduled.class,
              r -> assertThat(r.delay()).isEqualTo(Duration.ZERO));
    }
  }
}
