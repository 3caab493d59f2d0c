package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Conformance: connected users and the reconnect grace. A reconnect within the grace period is
 * invisible; a user stays connected while any of its connections lives; uidport events are per
 * user.
 *
 * <p>"Nothing happened" is shown with a marker: another user, {@code zed}, disconnects after the
 * window in question; once zed's {@code chsk/uidport-close} arrived, an event that the window would
 * have produced would have arrived too.
 */
public abstract class ConnectedUsersConformance extends ConformanceTestBase {

  private static final Duration SHORT = Duration.ofMillis(300);
  private static final Duration GENEROUS = Duration.ofMillis(1500);

  /** Connects and disconnects the marker user and waits for its uidport-close. */
  private static void passMarker(ServerFixture server) {
    RawWebSocket zed = server.as("zed").connect("z1");
    server.events().await("chsk/uidport-open", "zed");
    zed.close();
    server.events().await("chsk/uidport-close", "zed");
  }

  private static List<ConnectedUsersChange> changes(ServerFixture server) {
    List<ConnectedUsersChange> changes = new CopyOnWriteArrayList<>();
    server.sente().onConnectedUsersChange(changes::add);
    return changes;
  }

  @Test
  void webSocketReconnectWithinGraceIsInvisible() {
    ServerFixture server = serve(builder().reconnectGrace(GENEROUS, GENEROUS));
    List<ConnectedUsersChange> changes = changes(server);
    RawWebSocket first = server.as("alice").connect("c1");
    server.events().await("chsk/uidport-open", "alice");

    first.close();
    RawWebSocket second = server.as("alice").connect("c1");
    passMarker(server);

    assertThat(server.events().count("chsk/uidport-close", "alice")).isZero();
    assertThat(server.events().count("chsk/uidport-open", "alice")).isEqualTo(1);
    assertThat(changes).noneMatch(change -> change.disconnected().contains("alice"));
    assertThat(server.sente().connectedUsers().webSocket()).containsExactly("alice");
    server.sente().send("alice", "x/a", 1, true);
    assertThat(second.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void webSocketClosedLongerThanGraceDisconnectsOnce() {
    ServerFixture server = serve(builder().reconnectGrace(SHORT, SHORT));
    RawWebSocket ws = server.as("alice").connect("c1");
    server.events().await("chsk/uidport-open", "alice");

    ws.close();

    assertThat(server.events().await("chsk/uidport-close").data()).contains("alice");
    eventually()
        .untilAsserted(
            () -> assertThat(server.sente().connectedUsers()).isEqualTo(ConnectedUsers.NONE));
    passMarker(server);
    assertThat(server.events().count("chsk/uidport-close", "alice")).isEqualTo(1);
    assertThat(server.sente().send("alice", "x/a", 1)).isFalse();
  }

  @Test
  void droppedConnectionCountsLikeAClose() {
    ServerFixture server = serve(builder().reconnectGrace(SHORT, SHORT));
    RawWebSocket ws = server.as("alice").connect("c1");
    server.events().await("chsk/uidport-open", "alice");

    ws.abort();

    server.events().await("chsk/uidport-close", "alice");
    eventually().until(() -> server.sente().connectedUsers().any().isEmpty());
  }

  @Test
  void userStaysConnectedUntilItsLastTabCloses() {
    ServerFixture server = serve(builder().reconnectGrace(SHORT, SHORT));
    RawWebSocket first = server.as("alice").connect("c1");
    RawWebSocket second = server.as("alice").connect("c2");
    server.events().await("chsk/uidport-open", "alice");

    first.close();
    passMarker(server);
    assertThat(server.events().count("chsk/uidport-close", "alice")).isZero();
    assertThat(server.sente().connectedUsers().webSocket()).containsExactly("alice");

    second.close();
    server.events().await("chsk/uidport-close", "alice");
    assertThat(server.events().count("chsk/uidport-open", "alice")).isEqualTo(1);
  }

  @Test
  void closingAReplacedSocketOfTheSameClientDoesNotDisconnect() {
    ServerFixture server = serve(builder().reconnectGrace(SHORT, SHORT));
    RawWebSocket old = server.as("alice").connect("c1");
    RawWebSocket replacement = server.as("alice").connect("c1");
    server.events().await("chsk/uidport-open", "alice");

    old.close();
    passMarker(server);

    assertThat(server.events().count("chsk/uidport-close", "alice")).isZero();
    server.sente().send("alice", "x/a", 1, true);
    assertThat(replacement.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void ajaxClientPollingWithinGraceStaysConnectedThenLeavesOnce() {
    ServerFixture server =
        serve(builder().longPollTimeout(Duration.ofMillis(300)).reconnectGrace(SHORT, GENEROUS));
    List<ConnectedUsersChange> changes = changes(server);
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");

    for (int i = 0; i < 3; i++) {
      RawResponse poll = RawHttp.join(alice.poll("c3"));
      assertThat(poll.body()).isEqualTo("[\"chsk/timeout\",null]");
    }
    assertThat(server.sente().connectedUsers().ajax()).containsExactly("alice");

    server.events().await("chsk/uidport-close", "alice");
    assertThat(server.events().count("chsk/uidport-open", "alice")).isEqualTo(1);
    // change listeners run on their own executor, so the notification may trail the event
    eventually()
        .untilAsserted(
            () ->
                assertThat(changes.stream().filter(c -> c.disconnected().contains("alice")).count())
                    .isEqualTo(1));
    assertThat(changes.stream().filter(c -> c.connected().contains("alice")).count()).isEqualTo(1);
    assertThat(server.sente().connectedUsers()).isEqualTo(ConnectedUsers.NONE);
  }

  @Test
  void userOnBothTransportsLosesOnlyTheWebSocket() {
    ServerFixture server =
        serve(builder().longPollTimeout(Duration.ofSeconds(20)).reconnectGrace(SHORT, GENEROUS));
    Peer alice = server.as("alice");
    RawWebSocket ws = alice.connect("c1");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> poll = alice.poll("c3");
    eventually()
        .untilAsserted(
            () ->
                assertThat(server.sente().connectedUsers())
                    .isEqualTo(
                        new ConnectedUsers(Set.of("alice"), Set.of("alice"), Set.of("alice"))));

    ws.close();

    eventually()
        .untilAsserted(
            () ->
                assertThat(server.sente().connectedUsers())
                    .isEqualTo(new ConnectedUsers(Set.of(), Set.of("alice"), Set.of("alice"))));
    passMarker(server);
    assertThat(server.events().count("chsk/uidport-close", "alice")).isZero();
    assertThat(poll).isNotDone();
    server.sente().send("alice", "x/a", 1, true);
    assertThat(RawHttp.join(poll).body()).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void connectedUsersChangesAreReported() {
    ServerFixture server = serve(builder().reconnectGrace(SHORT, SHORT));
    List<ConnectedUsersChange> changes = changes(server);

    RawWebSocket ws = server.as("alice").connect("c1");
    eventually().until(() -> changes.stream().anyMatch(c -> c.connected().equals(Set.of("alice"))));
    ws.close();

    eventually()
        .until(() -> changes.stream().anyMatch(c -> c.disconnected().equals(Set.of("alice"))));
    ConnectedUsersChange last = changes.get(changes.size() - 1);
    assertThat(last.after()).isEqualTo(ConnectedUsers.NONE);
  }
}
