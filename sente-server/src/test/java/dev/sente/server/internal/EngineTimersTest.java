package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's timers, on a manual clock: batching, keep-alive, grace periods, long-polls. */
class EngineTimersTest {
  private final EngineFixture fixture = new EngineFixture();
  private final ManualScheduler time = fixture.time;
  private final List<String> events = fixture.events;
  private final List<ConnectedUsersChange> changes = fixture.changes;
  private SenteServer sente;

  private SenteServer start(SenteServer.Builder builder) {
    return sente = fixture.start(builder);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void pushesWithinTheWebSocketWindowGoOutAsOneFrameWhenTheWindowCloses() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    sente.send("alice", "x/a", 1);
    time.advance(10);
    sente.send("alice", "x/b", 2);
    time.advance(19);
    assertThat(socket.frames()).hasSize(1); // the handshake only
    time.advance(1);
    assertThat(socket.frames())
        .containsExactly(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null]",
            "[[[\"x/a\",1],[\"x/b\",2]],null]");
  }

  @Test
  void aFlushedSendGoesOutAtOnceWithWhatWasBuffered() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    sente.send("alice", "x/a", 1, true);
    assertThat(socket.frames()).last().isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(time.pending()).isEqualTo(1); // the keep-alive timer alone
  }

  @Test
  void anIdleSocketIsPingedAfterHalfTheKeepAliveAndClosedWhenItStaysSilent() {
    start(
        SenteServer.builder()
            .keepAlive(Duration.ofMillis(2000))
            .pingTimeout(Duration.ofMillis(1000)));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    time.advance(999);
    assertThat(socket.frames()).hasSize(1);
    time.advance(1);
    assertThat(socket.frames()).last().isEqualTo("[\"chsk/ws-ping\",null]");
    time.advance(999);
    assertThat(socket.isOpen()).isTrue();
    time.advance(1);
    assertThat(socket.isOpen()).isFalse();
    assertThat(socket.closeCode).isEqualTo(1001);
    assertThat(sente.connectedUsers().webSocket()).containsExactly("alice");
    time.advance(2500);
    assertThat(sente.connectedUsers().any()).isEmpty();
    assertThat(events).containsExactly("chsk/uidport-open alice", "chsk/uidport-close alice");
  }

  @Test
  void aPongKeepsThePingedSocketOpen() {
    start(
        SenteServer.builder()
            .keepAlive(Duration.ofMillis(2000))
            .pingTimeout(Duration.ofMillis(1000)));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    time.advance(1000);
    socket.receive("[[\"chsk/ws-pong\"],null]");
    time.advance(1000);
    assertThat(socket.isOpen()).isTrue();
    assertThat(events).contains("chsk/ws-pong ");
  }

  @Test
  void aReconnectWithinTheGracePeriodIsInvisible() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket first = fixture.openSocket("alice", "c1");
    first.close(1001, "reload");
    time.advance(2499);
    fixture.openSocket("alice", "c1");
    time.advance(10_000);
    assertThat(events).containsExactly("chsk/uidport-open alice");
    assertThat(sente.connectedUsers().any()).containsExactly("alice");
    assertThat(changes).hasSize(1);
  }

  @Test
  void pushesDuringTheGracePeriodReachTheReconnectedSocket() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket first = fixture.openSocket("alice", "c1");
    first.close(1006, "network");
    sente.send("alice", "x/a", 1);
    time.advance(30);
    FakeExchange.FakeSocket second = fixture.openSocket("alice", "c1");
    assertThat(second.frames())
        .containsExactly(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null]", "[[[\"x/a\",1]],null]");
  }

  @Test
  void aUserOnBothTransportsKeepsAnyWhenTheWebSocketGoes() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    fixture.ajaxGet("alice", "c2", true);
    FakeExchange poll = fixture.ajaxGet("alice", "c2", false);
    assertThat(poll.poll).isNotNull();
    socket.close(1000, "bye");
    time.advance(2500);
    assertThat(sente.connectedUsers().webSocket()).isEmpty();
    assertThat(sente.connectedUsers().ajax()).containsExactly("alice");
    assertThat(sente.connectedUsers().any()).containsExactly("alice");
    assertThat(events).containsExactly("chsk/uidport-open alice");
  }

  @Test
  void theAjaxHandshakeDoesNotConnectButTheFirstPollDoes() {
    start(SenteServer.builder());
    FakeExchange handshake = fixture.ajaxGet("alice", "c3", true);
    assertThat(handshake.responseBody)
        .isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(sente.connectedUsers().ajax()).isEmpty();
    fixture.ajaxGet("alice", "c3", false);
    assertThat(sente.connectedUsers().ajax()).containsExactly("alice");
  }

  @Test
  void aHeldPollTimesOutAndAPushAnswersTheNextOneAfterTheAjaxWindow() {
    start(SenteServer.builder());
    fixture.ajaxGet("alice", "c3", true);
    FakeExchange first = fixture.ajaxGet("alice", "c3", false);
    time.advance(20_000);
    assertThat(first.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    FakeExchange second = fixture.ajaxGet("alice", "c3", false);
    sente.send("alice", "x/a", 1);
    time.advance(99);
    assertThat(second.poll.body).isNull();
    time.advance(1);
    assertThat(second.poll.body).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void pushesBetweenTwoPollsReachTheNextPoll() {
    start(SenteServer.builder());
    fixture.ajaxGet("alice", "c3", true);
    FakeExchange first = fixture.ajaxGet("alice", "c3", false);
    sente.send("alice", "x/a", 1, true);
    assertThat(first.poll.body).isEqualTo("[[[\"x/a\",1]],null]");
    sente.send("alice", "x/b", 2);
    time.advance(100);
    sente.send("alice", "x/c", 3);
    time.advance(1000);
    FakeExchange next = fixture.ajaxGet("alice", "c3", false);
    assertThat(next.poll.body).isEqualTo("[[[\"x/b\",2],[\"x/c\",3]],null]");
  }

  @Test
  void pollAfterPollKeepsAtMostOneTimerPerDeadlineAndTheTimeoutsStayExact() {
    start(SenteServer.builder());
    fixture.ajaxGet("alice", "c3", true);
    FakeExchange poll = fixture.ajaxGet("alice", "c3", false);
    for (int i = 0; i < 200; i++) {
      time.advance(10);
      sente.send("alice", "x/a", i, true); // answers the poll at once
      assertThat(poll.poll.body).isEqualTo("[[[\"x/a\"," + i + "]],null]");
      poll = fixture.ajaxGet("alice", "c3", false);
    }
    // the grace and poll deadlines moved 200 times: still one timer each
    assertThat(time.pending()).isEqualTo(2);
    time.advance(19_999);
    assertThat(poll.poll.body).isNull();
    time.advance(1);
    assertThat(poll.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(sente.connectedUsers().ajax()).containsExactly("alice");
    time.advance(4_999);
    assertThat(sente.connectedUsers().ajax()).containsExactly("alice");
    time.advance(1);
    assertThat(sente.connectedUsers().ajax()).isEmpty();
    assertThat(time.pending()).isZero();
  }

  @Test
  void anAjaxClientThatStopsPollingLeavesAfterItsGracePeriod() {
    start(SenteServer.builder());
    fixture.ajaxGet("alice", "c3", true);
    FakeExchange poll = fixture.ajaxGet("alice", "c3", false);
    poll.poll.clientGoesAway();
    time.advance(4999);
    assertThat(sente.connectedUsers().ajax()).containsExactly("alice");
    time.advance(1);
    assertThat(sente.connectedUsers().ajax()).isEmpty();
    assertThat(events).containsExactly("chsk/uidport-open alice", "chsk/uidport-close alice");
  }

  @Test
  void aHandshakeWithoutPollsIsForgottenAfterTheGracePeriod() {
    start(SenteServer.builder());
    fixture.ajaxGet("alice", "c3", true);
    time.advance(5000);
    assertThat(time.pending()).isZero();
    assertThat(sente.send("alice", "x/a", 1)).isFalse();
  }

  @Test
  void anAjaxPostThatWantsAReplyIsAnsweredWithTheTimeoutWhenTheHandlerIsSilent() {
    start(SenteServer.builder());
    sente.on("a/b", msg -> {});
    FakeExchange post =
        FakeExchange.post(
            "", "client-id=c3&udt=3&ppstr=" + EngineFixture.enc("[[\"a/b\",1],\"ajax\"]"));
    sente.endpoint().handle(post);
    time.advance(19_999);
    assertThat(post.status).isNull();
    time.advance(1);
    assertThat(post.responseBody).isEqualTo("[\"chsk/timeout\",null]");
  }

  @Test
  void aSlowConsumerIsClosedWhenItsQueueIsFullAndOthersAreUnaffected() {
    // a plain client's stream keeps at most 4 unread events: the stalled reader falls behind
    start(SenteServer.builder().maxPendingEvents(4));
    FakeExchange.FakeSocket slow = fixture.openSocket("alice", "c1");
    FakeExchange.FakeSocket fine = fixture.openSocket("bob", "c2");
    slow.stalled = true;
    for (int i = 0; i < 10; i++) {
      sente.send("alice", "x/a", i, true);
      sente.send("bob", "x/a", i, true);
    }
    assertThat(slow.closeCode).isEqualTo(1008);
    assertThat(fine.isOpen()).isTrue();
    assertThat(fine.frames()).hasSize(11);
  }

  @Test
  void aThrowingHandlerGoesToTheErrorHookAndTheClientGetsAnErrorReply() {
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    start(SenteServer.builder().onError((e, msg) -> errors.add(e)));
    sente.on(
        "a/b",
        msg -> {
          throw new IllegalStateException("boom");
        });
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive("[[\"a/b\",1],\"cb1234\"]");
    assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
    assertThat(socket.frames()).last().isEqualTo("[\"chsk/error\",\"cb1234\"]");
  }

  @Test
  void closingTheServerClosesSocketsAnswersPollsAndCancelsTimers() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    fixture.ajaxGet("bob", "c3", true);
    FakeExchange poll = fixture.ajaxGet("bob", "c3", false);
    sente.close();
    assertThat(socket.closeCode).isEqualTo(1001);
    assertThat(poll.poll.body).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(time.pending()).isZero();
    assertThat(sente.send("alice", "x/a", 1)).isFalse();
  }

  @Test
  void anonymousClientsShareOneUserId() {
    start(SenteServer.builder());
    FakeExchange.FakeSocket socket = fixture.openSocket(null, "c1");
    assertThat(socket.frames())
        .first()
        .isEqualTo("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
    assertThat(sente.send(SenteServer.ANONYMOUS_USER, "x/a", 1, true)).isTrue();
    assertThat(socket.frames()).last().isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(Optional.of(sente.connectedUsers().any()))
        .hasValue(java.util.Set.of("sente/nil-uid"));
  }
}
