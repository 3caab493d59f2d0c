package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of a WebSocket's outbound frames on a socket whose writes are stalled: a pong goes out
 * ahead of the pushes already queued, a close after them, and a push made once the close was asked
 * for waits for the client's next socket instead of being lost with this one.
 */
class SocketWriterOrderTest {
  private final EngineFixture fixture = new EngineFixture();
  private SenteServer sente;

  @AfterEach
  void close() {
    fixture.close();
  }

  private FakeExchange.FakeSocket openSocket(String user, String clientId) {
    if (sente == null) {
      sente = fixture.start(SenteServer.builder(), Runnable::run, false);
    }
    return fixture.openSocket(user, clientId);
  }

  @Test
  void aPongGoesOutAheadOfThePushesAlreadyQueued() {
    FakeExchange.FakeSocket socket = openSocket("alice", "c1");
    socket.stalled = true;
    sente.send("alice", "x/a", 1, true); // handed to the adapter, not yet written
    sente.send("alice", "x/b", 2, true); // queued
    socket.receive("[[\"chsk/ws-ping\"],\"p1\"]");

    socket.completeWrites();

    assertThat(socket.frames())
        .containsExactly(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null]",
            "[[[\"x/a\",1]],null]",
            "[\"pong\",\"p1\"]",
            "[[[\"x/b\",2]],null]");
  }

  @Test
  void theCloseGoesOutAfterTheFrameInFlightAndLaterPushesWaitInTheLogForTheNextSocket() {
    FakeExchange.FakeSocket socket = openSocket("alice", "c1");
    socket.stalled = true;
    sente.send("alice", "x/a", 1, true); // in flight
    sente.send("alice", "x/b", 2, true); // in the log, after the socket's cursor

    assertThat(sente.disconnect("alice")).isEqualTo(1);
    assertThat(socket.closeCode).as("waits for the frame in flight").isNull();

    socket.completeWrites();

    assertThat(socket.frames()).last().isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(socket.closeCode).isEqualTo(1000);
    FakeExchange.FakeSocket next = openSocket("alice", "c1");
    assertThat(next.frames())
        .containsExactly(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null]", "[[[\"x/b\",2]],null]");
  }

  @Test
  void aPushAfterTheCloseWasAskedForWaitsForTheNextSocket() {
    FakeExchange.FakeSocket first = openSocket("alice", "c1");
    first.stalled = true;
    sente.send("alice", "x/a", 1, true);
    sente.disconnect("alice");

    assertThat(sente.send("alice", "x/b", 2, true)).isTrue();
    first.completeWrites();
    FakeExchange.FakeSocket second = openSocket("alice", "c1");

    assertThat(first.frames()).doesNotContain("[[[\"x/b\",2]],null]");
    assertThat(second.frames())
        .containsExactly(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null]", "[[[\"x/b\",2]],null]");
  }

  @Test
  void aCloseStillWaitingForItsQueueAfterThePingTimeoutCutsTheConnection() {
    FakeExchange.FakeSocket socket = openSocket("alice", "c1");
    socket.stalled = true; // the client stopped reading
    sente.send("alice", "x/a", 1, true);
    sente.send("alice", "x/b", 2, true);
    sente.disconnect("alice");

    fixture.time.advance(SenteServer.Builder.DEFAULT_PING_TIMEOUT.toMillis() - 1);
    assertThat(socket.disconnected).isFalse();
    fixture.time.advance(1);

    assertThat(socket.disconnected).as("cut: its queue would never drain").isTrue();
    assertThat(socket.closeCode).isEqualTo(1000);
    // nothing queued on the cut socket; x/b waits in the log for the client's next socket
    assertThat(sente.backlog().outboundBytes()).isEqualTo("[[[\"x/b\",2]],null]".length());
  }
}
