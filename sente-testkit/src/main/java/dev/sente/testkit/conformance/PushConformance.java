package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.SenteException;
import dev.sente.server.SenteServer;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Conformance: server pushes: batching windows, flush, fan-out to every connection of a user on
 * both transports, the anonymous user, unknown users, broadcast, and closing a user's connections.
 */
public abstract class PushConformance extends ConformanceTestBase {

  /** Data of a pushed event, written by the packer. */
  public record Line(String text, int n) {}

  private static final Duration LONG_WINDOW = Duration.ofSeconds(20);

  @Test
  void pushesWithinTheWindowGoOutAsOneFrame() {
    ServerFixture server =
        serve(builder().batchWindows(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    RawWebSocket ws = server.as("alice").connect("c1");

    assertThat(server.sente().send("alice", "x/a", 1)).isTrue();
    assertThat(server.sente().send("alice", "x/b", 2)).isTrue();

    assertThat(ws.nextFrame()).isEqualTo("[[[\"x/a\",1],[\"x/b\",2]],null]");
  }

  @Test
  void flushSendsAtOnceWithoutWaitingForTheWindow() {
    ServerFixture server = serve(builder().batchWindows(LONG_WINDOW, LONG_WINDOW));
    RawWebSocket ws = server.as("alice").connect("c1");

    server.sente().send("alice", "x/a", 1, true);

    assertThat(ws.nextFrame(Duration.ofSeconds(5))).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void flushTakesEverythingBufferedWithIt() {
    ServerFixture server = serve(builder().batchWindows(LONG_WINDOW, LONG_WINDOW));
    RawWebSocket ws = server.as("alice").connect("c1");

    server.sente().send("alice", "x/a", 1);
    server.sente().send("alice", "x/b", 2, true);

    assertThat(ws.nextFrame(Duration.ofSeconds(5))).isEqualTo("[[[\"x/a\",1],[\"x/b\",2]],null]");
  }

  @Test
  void pushedRecordsAreWrittenByThePacker() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1");

    server.sente().send("alice", "x/line", new Line("hi", 2), true);

    assertThat(ws.nextFrame()).isEqualTo("[[[\"x/line\",{\"text\":\"hi\",\"n\":2}]],null]");
  }

  @Test
  void pushReachesEveryConnectionOfTheUserOnBothTransports() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofSeconds(20)));
    Peer alice = server.as("alice");
    RawWebSocket c1 = alice.connect("c1");
    RawWebSocket c2 = alice.connect("c2");
    RawWebSocket bob = server.as("bob").connect("c9");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> c3 = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    assertThat(server.sente().send("alice", "x/a", 1)).isTrue();
    server.sente().send("bob", "x/marker", 0);

    assertThat(c1.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(c2.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
    RawResponse poll = RawHttp.join(c3);
    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.body()).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(bob.nextFrame()).isEqualTo("[[[\"x/marker\",0]],null]");
  }

  @Test
  void sendToAUserWithoutConnectionsReturnsFalseAndSendsNothing() {
    ServerFixture server = serve(builder());
    RawWebSocket alice = server.as("alice").connect("c1");

    assertThat(server.sente().send("nobody", "x/a", 1, true)).isFalse();
    assertThat(server.sente().send("alice", "x/b", 2, true)).isTrue();

    assertThat(alice.nextFrame()).isEqualTo("[[[\"x/b\",2]],null]");
  }

  @Test
  void invalidSendsAreRefusedWithTheLibrarysException() {
    ServerFixture server = serve(builder());
    SenteServer sente = server.sente();

    assertThatThrownBy(() -> sente.send(null, "x/a", 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> sente.send("alice", null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> sente.send("alice", "no-namespace", 1))
        .isInstanceOf(SenteException.class);
    assertThatThrownBy(() -> sente.send("alice", "chsk/handshake", 1))
        .isInstanceOf(SenteException.class);
  }

  @Test
  void anonymousUserIdReachesEveryAnonymousClientAndNoOneElse() {
    ServerFixture server = serve(builder());
    RawWebSocket first = server.anonymous().connect("c1");
    RawWebSocket second = server.anonymous().connect("c2");
    RawWebSocket alice = server.as("alice").connect("c3");
    eventually().until(() -> server.sente().connectedUsers().any().size() == 2);

    assertThat(server.sente().send(SenteServer.ANONYMOUS_USER, "x/a", 1)).isTrue();
    server.sente().send("alice", "x/marker", 0);

    assertThat(first.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(second.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(alice.nextFrame()).isEqualTo("[[[\"x/marker\",0]],null]");
  }

  @Test
  void broadcastReachesEveryConnectedUser() {
    ServerFixture server = serve(builder());
    RawWebSocket alice = server.as("alice").connect("c1");
    RawWebSocket bob = server.as("bob").connect("c2");
    RawWebSocket anonymous = server.anonymous().connect("c3");
    eventually().until(() -> server.sente().connectedUsers().any().size() == 3);

    assertThat(server.sente().broadcast("x/all", "hi")).isEqualTo(3);

    assertThat(alice.nextFrame()).isEqualTo("[[[\"x/all\",\"hi\"]],null]");
    assertThat(bob.nextFrame()).isEqualTo("[[[\"x/all\",\"hi\"]],null]");
    assertThat(anonymous.nextFrame()).isEqualTo("[[[\"x/all\",\"hi\"]],null]");
  }

  @Test
  void disconnectClosesEveryConnectionOfTheUserOnly() {
    ServerFixture server = serve(builder());
    RawWebSocket c1 = server.as("alice").connect("c1");
    RawWebSocket c2 = server.as("alice").connect("c2");
    RawWebSocket bob = server.as("bob").connect("c9");

    assertThat(server.sente().disconnect("alice")).isEqualTo(2);

    c1.awaitClose();
    c2.awaitClose();
    assertThat(bob.isOpen()).isTrue();
    server.sente().send("bob", "x/still", 1, true);
    assertThat(bob.nextFrame()).isEqualTo("[[[\"x/still\",1]],null]");
  }

  @Test
  void disconnectEndsTheUsersHeldPoll() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofSeconds(30)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> poll = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    assertThat(server.sente().disconnect("alice")).isEqualTo(1);

    eventually().atMost(Duration.ofSeconds(5)).until(poll::isDone);
    RawResponse next = RawHttp.join(alice.poll("c3"));
    assertThat(next.body()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(server.sente().connectedUsers().ajax()).containsExactly("alice");
  }

  @Test
  void disconnectOfAUserWithoutConnectionsClosesNothing() {
    ServerFixture server = serve(builder());
    RawWebSocket alice = server.as("alice").connect("c1");

    assertThat(server.sente().disconnect("nobody")).isZero();

    server.sente().send("alice", "x/still", 1, true);
    assertThat(alice.nextFrame()).isEqualTo("[[[\"x/still\",1]],null]");
  }
}
