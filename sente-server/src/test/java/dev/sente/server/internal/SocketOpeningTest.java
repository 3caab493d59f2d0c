package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Packed;
import dev.sente.server.SenteServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket's opening: the handshake and the events kept for its client are written outside the
 * registry lock, and a push that reaches the socket while it is being registered waits behind them.
 */
class SocketOpeningTest {
  private static final String HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";
  private final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private FakeExchange webSocket(String user, String clientId) {
    FakeExchange exchange = FakeExchange.webSocket("client-id=" + clientId);
    exchange.session.put("uid", user);
    return exchange;
  }

  @Test
  void noFrameIsHandedToTheAdapterHoldingTheRegistryLock() {
    SenteServer sente = fixture.start(SenteServer.builder(), Runnable::run, false);
    Registry registry = ((Engine) sente).registry;
    FakeExchange first = webSocket("alice", "c1");
    sente.endpoint().handle(first);
    first.socket.close(1001, "reload");
    sente.send("alice", "x/a", 1, true); // kept for the reconnect
    List<Boolean> underLock = new CopyOnWriteArrayList<>();
    FakeExchange second = webSocket("alice", "c1");
    second.sendHook = () -> underLock.add(Thread.holdsLock(registry));

    sente.endpoint().handle(second);

    assertThat(second.socket.frames()).containsExactly(HANDSHAKE, "[[[\"x/a\",1]],null]");
    assertThat(underLock).containsExactly(false, false);
  }

  @Test
  void aPushQueuedWhileTheSocketIsOpeningGoesOutAfterTheOpeningFrames() {
    FakeExchange.FakeSocket channel = new FakeExchange.FakeSocket(null);
    SocketWriter writer = new SocketWriter(null, 16, 1 << 20);
    writer.open(channel);

    assertThat(writer.send(Packed.text("push"))).isTrue();
    assertThat(writer.sendControl(Packed.text("pong"))).isTrue();
    assertThat(channel.frames()).as("nothing written before the handshake").isEmpty();
    assertThat(writer.state()).isEqualTo(SocketWriter.State.OPENING);

    writer.start(List.of(Packed.text("handshake"), Packed.text("kept")));

    assertThat(channel.frames()).containsExactly("handshake", "kept", "pong", "push");
    assertThat(writer.state()).isEqualTo(SocketWriter.State.OPEN);
    assertThat(writer.queuedBytes()).isZero();
  }

  @Test
  void aCloseAskedForWhileOpeningWaitsForTheOpeningFrames() {
    FakeExchange.FakeSocket channel = new FakeExchange.FakeSocket(null);
    channel.stalled = true;
    SocketWriter writer = new SocketWriter(null, 16, 1 << 20);
    writer.open(channel);

    writer.close(1000, "bye");
    assertThat(writer.send(Packed.text("push"))).as("refused once closing").isFalse();
    writer.start(List.of(Packed.text("handshake")));
    assertThat(channel.closeCode).isNull();
    assertThat(writer.state()).isEqualTo(SocketWriter.State.CLOSING);

    channel.completeWrites();

    assertThat(channel.frames()).containsExactly("handshake");
    assertThat(channel.closeCode).isEqualTo(1000);
    assertThat(writer.state()).isEqualTo(SocketWriter.State.CLOSED);
  }

  @Test
  void aLoneFrameLargerThanTheByteBoundWaitsForTheOpeningAsItWouldGoOutOnAnIdleSocket() {
    FakeExchange.FakeSocket channel = new FakeExchange.FakeSocket(null);
    SocketWriter writer = new SocketWriter(null, 16, 1024);
    writer.open(channel);
    String large = "z".repeat(2000);

    assertThat(writer.send(Packed.text(large))).isTrue();
    writer.start(List.of(Packed.text("handshake")));

    assertThat(channel.frames()).containsExactly("handshake", large);
    assertThat(writer.state()).isEqualTo(SocketWriter.State.OPEN);
  }
}
