package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a client floods events while its handler is blocked. At most {@link
 * SenteServer.Builder#maxInboundEvents} wait for the handler (observed through {@link
 * SenteServer#backlog()}); on WebSocket the server stops reading (the client gets TCP backpressure,
 * nothing is lost, all arrive in order once the handler is free, and the socket stays open); on
 * Ajax, a POST beyond the bound is answered 429. A handler blocked for good does not keep the
 * client: its socket is closed after the keep-alive plus the ping timeout, and it is forgotten
 * after its grace period.
 */
public abstract class InboundFloodAbuse extends ConformanceTestBase {

  private static final Duration SHORT = Duration.ofMillis(300);

  private final List<Object> handled = new CopyOnWriteArrayList<>();
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void releaseTheHandler() {
    release.countDown();
  }

  /** Serves with an x/flood handler that blocks on its first event (data 0) until released. */
  private ServerFixture serveBlocking(SenteServer.Builder builder) {
    ServerFixture server = serve(builder);
    server
        .sente()
        .on(
            "x/flood",
            message -> {
              Object data = message.data().orElse(null);
              if (Integer.valueOf(0).equals(data)) {
                blocked.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              handled.add(data);
            });
    return server;
  }

  private void awaitBlocked() throws InterruptedException {
    assertThat(blocked.await(10, TimeUnit.SECONDS)).as("the handler got the first event").isTrue();
  }

  private static List<Object> upTo(int n) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void aWebSocketFloodWaitsInTcpWhileTheHandlerIsBlockedAndArrivesWholeAndInOrder()
      throws Exception {
    int bound = 8;
    int flood = 200;
    ServerFixture server = serveBlocking(builder().maxInboundEvents(bound));
    RawWebSocket ws = server.as("alice").connect("c1");
    ws.send("[[\"x/flood\",0],null]");
    awaitBlocked();
    for (int i = 1; i < flood; i++) {
      ws.send("[[\"x/flood\"," + i + "],null]");
    }
    ws.send("[[\"chsk/ws-ping\"],\"after\"]");

    throughout(SHORT)
        .until(() -> server.sente().backlog().largestInboundEvents() <= bound && handled.isEmpty());
    // the server reads nothing more meanwhile: the ping behind the flood waits unread too
    assertThat(ws.pollFrame()).isEmpty();
    assertThat(server.sente().backlog().largestInboundEvents()).isEqualTo(bound);

    release.countDown();
    eventually().until(() -> handled.size() == flood);
    assertThat(handled).isEqualTo(upTo(flood));
    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"after\"]");
    assertThat(ws.isOpen()).isTrue();
    assertThat(server.sente().backlog().inboundEvents()).isZero();
  }

  @Test
  void ajaxPostsBeyondTheBoundAreAnswered429AndTheRestAreHandledInOrder() throws Exception {
    int bound = 4;
    ServerFixture server = serveBlocking(builder().maxInboundEvents(bound));
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);
    assertThat(alice.send("c3", "[[\"x/flood\",0],null]").status()).isEqualTo(200);
    awaitBlocked();
    for (int i = 1; i <= bound; i++) {
      assertThat(alice.send("c3", "[[\"x/flood\"," + i + "],null]").status()).isEqualTo(200);
    }
    for (int i = bound + 1; i < bound + 6; i++) {
      RawResponse refused = alice.send("c3", "[[\"x/flood\"," + i + "],null]");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.body()).contains("maxInboundEvents " + bound);
    }
    assertThat(server.sente().backlog().largestInboundEvents()).isEqualTo(bound);

    release.countDown();
    eventually().until(() -> handled.size() == bound + 1);
    assertThat(alice.send("c3", "[[\"x/flood\",99],null]").status()).isEqualTo(200);
    eventually().until(() -> handled.size() == bound + 2);
    List<Object> expected = upTo(bound + 1);
    expected.add(99);
    assertThat(handled).isEqualTo(expected);
  }

  @Test
  void aHandlerBlockedForGoodDoesNotKeepTheClient() throws Exception {
    ServerFixture server =
        serveBlocking(
            builder()
                .maxInboundEvents(2)
                .keepAlive(Duration.ofMillis(400))
                .pingTimeout(Duration.ofMillis(200))
                .reconnectGrace(SHORT, SHORT));
    RawWebSocket ws = server.as("alice").connect("c1");
    for (int i = 0; i < 10; i++) {
      ws.send("[[\"x/flood\"," + i + "],null]");
    }
    awaitBlocked();

    assertThat(ws.awaitClose()).isEqualTo(1011);
    eventually().until(() -> server.sente().connectedUsers().any().isEmpty());
    assertThat(server.sente().send("alice", "x/a", 1)).isFalse();
    assertThat(handled).isEmpty(); // still blocked: the client is gone, its queue stays bounded
    assertThat(server.sente().backlog().largestInboundEvents()).isZero(); // forgotten with it

    // the client's notifications keep their place behind its events
    release.countDown();
    server.events().await("chsk/uidport-close", "alice");
    assertThat(handled).isEqualTo(upTo(3));
  }
}
