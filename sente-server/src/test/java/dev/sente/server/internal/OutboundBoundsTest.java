package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.Protocol;
import dev.sente.core.json.JsonPacker;
import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound bounds on a manual clock: bytes queued per WebSocket (with the frame being written),
 * the slow consumer's prompt close, and pushes split into frames of at most maxMessageBytes.
 */
class OutboundBoundsTest {
  private final EngineFixture fixture = new EngineFixture();
  private final ManualScheduler time = fixture.time;
  private final List<String> events = fixture.events;
  private final Protocol protocol = Protocol.of(JsonPacker.create());
  private SenteServer sente;

  private SenteServer start(SenteServer.Builder builder) {
    return sente = fixture.start(builder);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  /** A flushed push whose frame is {@code [[["x/a","zzz..."]],null]}: 20 bytes plus the data. */
  private static final int FRAMING = "[[[\"x/a\",\"\"]],null]".length();

  @Test
  void aSocketIsCutWhenTheLogTrimsWhatItHasNotReadAndCountsEverythingNotWritten() {
    start(SenteServer.builder().resumeWindow(java.time.Duration.ofMinutes(2), 10_000));
    FakeExchange.FakeSocket slow = fixture.openSocket("alice", "c1");
    slow.stalled = true;
    String data = "z".repeat(3000 - FRAMING); // frames of 3000 bytes
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sente.send("alice", "x/a", data, true);
      seen.add(sente.backlog().largestOutboundBytes());
    }
    // the first is being written, three wait in the log (9000 <= 10000): all count
    assertThat(seen).containsExactly(3000L, 6000L, 9000L, 12000L);
    assertThat(slow.isOpen()).isTrue();

    sente.send("alice", "x/a", data, true); // 12000 unread > 10000: the oldest unread is trimmed

    assertThat(slow.closeCode).isEqualTo(1008);
    assertThat(slow.disconnected).as("cut at once, not after a close handshake").isTrue();
    // the frame in flight is dropped with the socket; the newest three wait for a reconnect
    assertThat(sente.backlog().outboundBytes()).isEqualTo(9000);
  }

  @Test
  void theSlowConsumersGracePeriodStartsAtItsClose() {
    start(SenteServer.builder().resumeWindow(java.time.Duration.ofMinutes(2), 4096));
    FakeExchange.FakeSocket slow = fixture.openSocket("alice", "c1");
    slow.stalled = true;
    String data = "z".repeat(3000);
    sente.send("alice", "x/a", data, true); // in flight
    sente.send("alice", "x/a", data, true); // unread, in the window
    assertThat(slow.isOpen()).isTrue();
    sente.send("alice", "x/a", data, true); // past the window's bytes: the reader fell behind
    assertThat(slow.closeCode).isEqualTo(1008);
    time.advance(2499);
    assertThat(sente.connectedUsers().any()).containsExactly("alice");
    time.advance(1);
    assertThat(sente.connectedUsers().any()).isEmpty();
    assertThat(events).containsExactly("chsk/uidport-open alice", "chsk/uidport-close alice");
  }

  @Test
  void writtenFramesNoLongerCountSoABurstThatDrainsIsNeverClosed() {
    start(SenteServer.builder().resumeWindow(java.time.Duration.ofMinutes(2), 10_000));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.stalled = true;
    String data = "z".repeat(3000 - FRAMING);
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 3; i++) {
        sente.send("alice", "x/a", data, true);
      }
      assertThat(sente.backlog().largestOutboundBytes()).isEqualTo(9000);
      socket.completeWrites();
      assertThat(sente.backlog().largestOutboundBytes()).isZero();
    }
    assertThat(socket.isOpen()).isTrue();
    // each round: the first push alone, then the two that waited in one frame
    assertThat(socket.frames()).hasSize(1 + 40);
  }

  @Test
  void aPushLargerThanTheWindowGoesOutAloneAndWhatFollowsWaitsInTheWindow() {
    start(SenteServer.builder().resumeWindow(java.time.Duration.ofMinutes(2), 2048));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.stalled = true;
    sente.send("alice", "x/a", "z".repeat(5000), true);
    assertThat(socket.isOpen()).isTrue();
    assertThat(sente.backlog().largestOutboundBytes()).isEqualTo(5000 + FRAMING);
    sente.send("alice", "x/a", "small", true);
    assertThat(socket.isOpen()).isTrue();
    socket.completeWrites();
    assertThat(socket.frames()).last().isEqualTo("[[[\"x/a\",\"small\"]],null]");
  }

  @Test
  void theUnreadEventBoundOfAPlainClientApplies() {
    start(SenteServer.builder().maxPendingEvents(4));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.stalled = true;
    for (int i = 0; i < 5; i++) {
      sente.send("alice", "x/a", i, true);
    }
    assertThat(socket.isOpen()).isTrue(); // the first being written, four waiting in the log
    sente.send("alice", "x/a", 5, true);
    assertThat(socket.closeCode).isEqualTo(1008);
  }

  @Test
  void aBatchLargerThanMaxMessageBytesIsSplitIntoFramesInOrder() {
    start(SenteServer.builder().maxMessageBytes(1024));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    for (int i = 0; i < 10; i++) {
      sente.send("alice", "x/a", i + "-" + "z".repeat(300));
    }
    time.advance(30);
    List<String> frames = socket.frames().subList(1, socket.frames().size());
    assertThat(frames).hasSize(4); // three events of ~314 bytes per frame, one left
    List<Object> data = new ArrayList<>();
    for (String frame : frames) {
      assertThat(frame.length()).isLessThanOrEqualTo(1024);
      for (Event e :
          protocol.readPush(protocol.read(dev.sente.core.Packed.text(frame)).payload())) {
        data.add(e.data());
      }
    }
    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add(i + "-" + "z".repeat(300));
    }
    assertThat(data).isEqualTo(expected);
  }

  @Test
  void anEventLargerThanMaxMessageBytesGoesAloneBetweenItsNeighbours() {
    start(SenteServer.builder().maxMessageBytes(1024));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    sente.send("alice", "x/a", "a".repeat(400));
    sente.send("alice", "x/b", "b".repeat(400));
    sente.send("alice", "x/big", "c".repeat(3000));
    sente.send("alice", "x/d", "d");
    time.advance(30); // one window, one batch in the log, read as frames under the cap
    List<String> frames = socket.frames().subList(1, socket.frames().size());
    List<Integer> sizes = new ArrayList<>();
    for (String frame : frames) {
      sizes.add(
          protocol.readPush(protocol.read(dev.sente.core.Packed.text(frame)).payload()).size());
    }
    assertThat(sizes).containsExactly(2, 1, 1);
    assertThat(frames.get(1)).startsWith("[[[\"x/big\"");
    assertThat(frames.get(0).length()).isLessThanOrEqualTo(1024);
  }

  @Test
  void aBatchThatFitsIsTheOneFramePackedOnceWhenItWasAppended() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket one = fixture.openSocket("alice", "c1");
    FakeExchange.FakeSocket two = fixture.openSocket("alice", "c2");
    sente.send("alice", "x/a", 1);
    sente.send("alice", "x/b", 2);
    time.advance(30);
    assertThat(one.frames().get(1)).isEqualTo("[[[\"x/a\",1],[\"x/b\",2]],null]");
    assertThat(two.frames().get(1)).isEqualTo(one.frames().get(1));
    DeliveryLog.Stats stats = ((Engine) sente).log().stats();
    assertThat(stats.packedHits())
        .as("both sockets got the frame packed at the append")
        .isEqualTo(2);
    assertThat(stats.packedMisses()).isZero();
  }

  @Test
  void eventsKeptForAReconnectGoOutSplitToo() {
    start(SenteServer.builder().maxMessageBytes(1024));
    FakeExchange.FakeSocket first = fixture.openSocket("alice", "c1");
    first.close(1006, "network");
    for (int i = 0; i < 6; i++) {
      sente.send("alice", "x/a", "z".repeat(400));
    }
    time.advance(30);
    FakeExchange.FakeSocket second = fixture.openSocket("alice", "c1");
    assertThat(second.frames()).hasSize(1 + 3);
    assertThat(second.frames()).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(1024));
  }

  @Test
  void theByteBoundIsValidatedAndDefaultsToFourMebibytes() {
    assertThat(SenteServer.builder().config().maxQueuedBytes()).isEqualTo(4L << 20);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SenteServer.builder().maxQueuedBytes(1023))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pushesAfterTheSlowConsumersCloseAreKeptForItsReconnectWithinTheSameByteBound() {
    start(SenteServer.builder().resumeWindow(java.time.Duration.ofMinutes(2), 10_000));
    FakeExchange.FakeSocket slow = fixture.openSocket("alice", "c1");
    slow.stalled = true;
    String data = "z".repeat(3000 - FRAMING);
    long largest = 0;
    for (int i = 0; i < 50; i++) {
      sente.send("alice", "x/a", i + data.substring(String.valueOf(i).length()), true);
      largest = Math.max(largest, sente.backlog().largestOutboundBytes());
    }
    assertThat(slow.closeCode).isEqualTo(1008);
    assertThat(largest).isLessThanOrEqualTo(3000 + 10_000); // the frame in flight and the window
    assertThat(sente.backlog().outboundBytes()).isEqualTo(9000); // the newest three kept

    FakeExchange.FakeSocket back = fixture.openSocket("alice", "c1");
    List<String> frames = back.frames();
    assertThat(frames).hasSize(2); // the handshake, then the three in one frame
    assertThat(frames.get(1)).startsWith("[[[\"x/a\",\"47").contains("\"48", "\"49");
    assertThat(sente.backlog().outboundBytes()).isZero();
  }
}
