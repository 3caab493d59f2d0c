package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawSocketRequest;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conformance: clients that stop taking part. A WebSocket whose client stops reading fills its
 * bounded outbound queue and is closed (the documented policy), while other clients are unaffected;
 * long-polls abandoned by their clients are reaped, and their users leave the connected set after
 * the grace period.
 */
public abstract class SlowClientConformance extends ConformanceTestBase {

  private static final Duration SHORT = Duration.ofMillis(300);

  @Test
  void clientThatStopsReadingIsClosedAndOthersAreUnaffected() {
    ServerFixture server = serve(builder().maxQueuedFrames(8).reconnectGrace(SHORT, SHORT));
    RawWebSocket slow = server.as("slow").webSocketWithoutReading("client-id=s1");
    RawWebSocket fast = server.as("bob").connect("c2");
    server.events().await("chsk/uidport-open", "slow");
    server.events().await("chsk/uidport-open", "bob");
    String chunk = "z".repeat(16 * 1024);

    int ticks = 0;
    for (int i = 0; i < 4000 && server.events().count("chsk/uidport-close", "slow") == 0; i++) {
      server.sente().send("slow", "x/flood", chunk, true);
      if (i % 100 == 0) {
        server.sente().send("bob", "x/tick", ticks++, true);
      }
    }

    server.events().await("chsk/uidport-close", "slow");
    assertNumberedEventsInOrder(fast, "x/tick", ticks);
    assertThat(fast.isOpen()).isTrue();
    assertThat(server.sente().connectedUsers().any()).containsExactly("bob");
    assertThat(slow.frames()).isEmpty();
  }

  @Test
  void abandonedLongPollsAreReapedAndTheirUsersForgotten() {
    ServerFixture server =
        serve(builder().longPollTimeout(Duration.ofMillis(400)).reconnectGrace(SHORT, SHORT));
    int clients = 30;
    List<RawSocketRequest> polls = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Peer peer = server.as("u" + i);
      assertThat(peer.ajaxHandshake("c" + i).status()).isEqualTo(200);
      polls.add(peer.getAbandonable("client-id=c" + i + "&udt=2"));
    }
    eventually().until(() -> server.sente().connectedUsers().ajax().size() == clients);

    polls.forEach(RawSocketRequest::abandon);

    eventually().until(() -> server.sente().connectedUsers().any().isEmpty());
    eventually().until(() -> server.events().count("chsk/uidport-close") == clients);
    for (int i = 0; i < clients; i++) {
      assertThat(server.sente().send("u" + i, "x/a", 1)).as("u" + i).isFalse();
    }
    assertThat(server.as("alice").ajaxHandshake("c99").body())
        .isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
  }

  @Test
  void pollsNeverResumedAfterTheirTimeoutAreReaped() {
    ServerFixture server =
        serve(builder().longPollTimeout(Duration.ofMillis(300)).reconnectGrace(SHORT, SHORT));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");

    assertThat(RawHttp.join(alice.poll("c3")).body()).isEqualTo("[\"chsk/timeout\",null]");

    server.events().await("chsk/uidport-close", "alice");
    eventually().until(() -> server.sente().connectedUsers().any().isEmpty());
    assertThat(server.sente().send("alice", "x/a", 1)).isFalse();
  }
}
