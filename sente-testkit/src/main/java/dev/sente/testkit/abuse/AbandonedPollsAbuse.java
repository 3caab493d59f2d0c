package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawSocketRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Abuse: long-polls that their clients abandon. A client that drops a held poll, with a reset or
 * with a FIN, is found within about a second: its poll is released (the endpoint's held-poll count
 * falls), its connection is closed, and its user leaves after the grace period. A server holds at
 * most {@code maxHeldPolls} polls; one more is answered 503 at once, and the count comes back down
 * whichever way a poll ends, so that the server never ends up refusing every poll.
 *
 * <p>The adapter tells which connections it still has open ({@link #openConnectionPorts}), so that
 * a connection left half-closed (in CLOSE-WAIT) fails the suite.
 */
public abstract class AbandonedPollsAbuse extends ConformanceTestBase {

  /** Long enough that no poll of these tests ends by its timeout unless the test wants it. */
  private static final Duration LONG_POLL = Duration.ofSeconds(30);

  private static final Duration GRACE = Duration.ofMillis(300);

  /** How soon an abandoned poll must be released: the 1 s probe, and some slack for slow CI. */
  private static final Duration RELEASE = Duration.ofMillis(2500);

  /**
   * The client-side ports of the connections the web server of this fixture has open now (every
   * connection to it, not only Sente's).
   */
  protected abstract Set<Integer> openConnectionPorts(ServerFixture server);

  @Test
  void pollsAbandonedWithAResetOrAFinAreReleasedAndTheirConnectionsClosed() {
    ServerFixture server = serve(builder().longPollTimeout(LONG_POLL).reconnectGrace(GRACE, GRACE));
    int clients = 20;
    List<RawSocketRequest> polls = holdPolls(server, "u", clients);
    Set<Integer> ports = new HashSet<>();
    polls.forEach(poll -> ports.add(poll.localPort()));
    assertThat(openConnectionPorts(server)).containsAll(ports);

    for (int i = 0; i < clients; i++) {
      if (i % 2 == 0) {
        polls.get(i).abandon();
      } else {
        polls.get(i).hangUp();
      }
    }

    within(RELEASE).until(() -> server.sente().endpoint().heldPolls() == 0);
    within(RELEASE)
        .untilAsserted(
            () -> assertThat(openConnectionPorts(server)).doesNotContainAnyElementsOf(ports));
    eventually().until(() -> server.sente().connectedUsers().any().isEmpty());
    assertThat(server.events().count("chsk/uidport-close")).isEqualTo(clients);
    // and the server holds the next client's poll as before
    holdPolls(server, "v", 1);
  }

  @Test
  void aPollBeyondTheLimitIsAnswered503AtOnceAndTheNextOneIsHeldAgainOnceOneEnds() {
    ServerFixture server =
        serve(builder().maxHeldPolls(3).longPollTimeout(LONG_POLL).reconnectGrace(GRACE, GRACE));
    List<RawSocketRequest> polls = holdPolls(server, "u", 3);

    for (int i = 0; i < 5; i++) {
      Peer extra = server.as("x" + i);
      assertThat(extra.ajaxHandshake("x" + i).status()).as("handshake at the limit").isEqualTo(200);
      RawResponse refused = RawHttp.join(extra.poll("x" + i));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("held long-polls").contains("3");
    }
    assertThat(server.sente().endpoint().heldPolls()).isEqualTo(3);
    assertThat(server.sente().connectedUsers().ajax()).containsExactlyInAnyOrder("u0", "u1", "u2");

    polls.get(0).abandon();
    within(RELEASE).until(() -> server.sente().endpoint().heldPolls() == 2);
    holdPolls(server, "w", 1);
    assertThat(server.sente().endpoint().heldPolls()).isEqualTo(3);
  }

  @Test
  void theHeldPollCountComesBackToZeroWhicheverWayPollsEnd() {
    ServerFixture server =
        serve(
            builder()
                .maxHeldPolls(4)
                .longPollTimeout(Duration.ofSeconds(2))
                .reconnectGrace(GRACE, GRACE));
    Peer pushed = server.as("pushed");
    Peer replaced = server.as("replaced");
    Peer timedOut = server.as("timed-out");
    pushed.ajaxHandshake("c1");
    replaced.ajaxHandshake("c2");
    timedOut.ajaxHandshake("c3");
    Peer goneAway = server.as("gone");
    goneAway.ajaxHandshake("c4");
    CompletableFuture<RawResponse> push = pushed.poll("c1");
    CompletableFuture<RawResponse> first = replaced.poll("c2");
    CompletableFuture<RawResponse> timeout = timedOut.poll("c3");
    RawSocketRequest gone = goneAway.getAbandonable("client-id=c4&udt=2");
    eventually().until(() -> server.sente().endpoint().heldPolls() == 4);

    assertThat(server.sente().send("pushed", "x/a", 1, true)).isTrue();
    assertThat(RawHttp.join(push).body()).isEqualTo("[[[\"x/a\",1]],null]");
    CompletableFuture<RawResponse> second = replaced.poll("c2");
    assertThat(RawHttp.join(first).body()).isEqualTo("[\"chsk/timeout\",null]");
    gone.abandon();
    assertThat(RawHttp.join(timeout).body()).isEqualTo("[\"chsk/timeout\",null]");
    assertThat(RawHttp.join(second).body()).isEqualTo("[\"chsk/timeout\",null]");

    eventually().until(() -> server.sente().endpoint().heldPolls() == 0);
    // the whole limit is free again
    holdPolls(server, "again", 4);
    server.sente().close();
    assertThat(server.sente().endpoint().heldPolls()).isZero();
  }

  /** Handshakes and polls for {@code count} users, each its own client, and waits until held. */
  private static List<RawSocketRequest> holdPolls(ServerFixture server, String prefix, int count) {
    int before = server.sente().endpoint().heldPolls();
    List<RawSocketRequest> polls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Peer peer = server.as(prefix + i);
      assertThat(peer.ajaxHandshake(prefix + i).status()).isEqualTo(200);
      polls.add(peer.getAbandonable("client-id=" + prefix + i + "&udt=2"));
    }
    eventually().until(() -> server.sente().endpoint().heldPolls() == before + count);
    return polls;
  }

  private static org.awaitility.core.ConditionFactory within(Duration period) {
    return org.awaitility.Awaitility.await().atMost(period).pollInterval(Duration.ofMillis(10));
  }
}
