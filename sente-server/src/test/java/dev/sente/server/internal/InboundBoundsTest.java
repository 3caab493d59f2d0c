package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on a client's events waiting for its handlers: flow control on WebSocket (reading
 * paused while the queue is full, resumed once half drained), 429 on Ajax, the keep-alive while
 * paused, and a socket whose handlers are stuck.
 */
class InboundBoundsTest {
  private final EngineFixture fixture = new EngineFixture();
  private final ManualScheduler time = fixture.time;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final List<Object> handled = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch blocked = new CountDownLatch(1);
  private SenteServer sente;

  /** A server whose x/f handler blocks on its first event (data 0) until released. */
  private void start(SenteServer.Builder builder) {
    sente = fixture.start(builder, pool, false);
    sente.on(
        "x/f",
        msg -> {
          Object data = msg.data().orElse(null);
          if (Integer.valueOf(0).equals(data)) {
            blocked.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          handled.add(data);
        });
  }

  @AfterEach
  void close() {
    release.countDown();
    fixture.close();
    pool.shutdownNow();
  }

  private static String event(int i) {
    return "[[\"x/f\"," + i + "],null]";
  }

  private void awaitBlocked() throws InterruptedException {
    assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
  }

  private static List<Object> upTo(int n) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void aWebSocketStopsBeingReadWhenItsHandlerQueueIsFullAndResumesWhenHalfHasDrained()
      throws Exception {
    start(SenteServer.builder().maxInboundEvents(4));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive(event(0));
    awaitBlocked();
    for (int i = 1; i <= 3; i++) {
      socket.receive(event(i));
      assertThat(socket.isPaused()).isFalse();
    }
    socket.receive(event(4)); // the fourth waiting: full

    assertThat(socket.isPaused()).isTrue();
    assertThat(sente.backlog().largestInboundEvents()).isEqualTo(4);
    assertThatThrownBy(() -> socket.receive(event(5))).isInstanceOf(IllegalStateException.class);

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !socket.isPaused());
    for (int i = 5; i < 20; i++) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !socket.isPaused());
      socket.receive(event(i));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 20);
    assertThat(handled).isEqualTo(upTo(20));
    assertThat(socket.isOpen()).isTrue();
  }

  @Test
  void aPausedSocketIsNotPingedNorTimedOutUntilItHasBeenStuckForKeepAlivePlusPingTimeout()
      throws Exception {
    start(
        SenteServer.builder()
            .maxInboundEvents(1)
            .keepAlive(Duration.ofMillis(2000))
            .pingTimeout(Duration.ofMillis(1000)));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive(event(0));
    awaitBlocked();
    socket.receive(event(1));
    assertThat(socket.isPaused()).isTrue();
    int framesBefore = socket.frames().size();

    time.advance(2999); // checks at 1000 and 2000: paused, so neither pings nor closes
    assertThat(socket.frames()).hasSize(framesBefore);
    assertThat(socket.isOpen()).isTrue();
    time.advance(1); // the check at 3000: paused for 3000 ms = keep-alive + ping timeout

    assertThat(socket.closeCode).isEqualTo(1011);
    assertThat(sente.connectedUsers().any()).containsExactly("alice");
    time.advance(2500); // forgotten after the grace period, though its handler is still stuck
    assertThat(sente.connectedUsers().any()).isEmpty();
    assertThat(sente.send("alice", "x/a", 1)).isFalse();
  }

  @Test
  void aSocketThatResumedInTimeIsKeptAndPingedAsUsual() throws Exception {
    start(
        SenteServer.builder()
            .maxInboundEvents(1)
            .keepAlive(Duration.ofMillis(2000))
            .pingTimeout(Duration.ofMillis(1000)));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive(event(0));
    awaitBlocked();
    socket.receive(event(1));
    time.advance(2500);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !socket.isPaused());
    time.advance(500); // the check at 3000: reading again, active at the resume
    assertThat(socket.isOpen()).isTrue();
    time.advance(1000); // idle for a window since the resume: pinged
    assertThat(socket.frames()).last().isEqualTo("[\"chsk/ws-ping\",null]");
    socket.receive("[[\"chsk/ws-pong\"],null]");
    time.advance(1000);
    assertThat(socket.isOpen()).isTrue();
  }

  @Test
  void aServerDisconnectOfAPausedSocketForgetsItAtOnce() throws Exception {
    start(SenteServer.builder().maxInboundEvents(1));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive(event(0));
    awaitBlocked();
    socket.receive(event(1));
    assertThat(socket.isPaused()).isTrue();
    assertThat(sente.disconnect("alice")).isEqualTo(1);
    assertThat(socket.closeCode).isEqualTo(1000);
    time.advance(2500);
    assertThat(sente.connectedUsers().any()).isEmpty();
  }

  @Test
  void aClientPingIsAnsweredAtOnceWhileItsHandlerIsBusyAndTheQueueHasRoom() throws Exception {
    start(SenteServer.builder().maxInboundEvents(4));
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    socket.receive(event(0));
    awaitBlocked();
    socket.receive(event(1));
    socket.receive("[[\"chsk/ws-ping\"],\"p1\"]");
    assertThat(socket.frames()).last().isEqualTo("[\"pong\",\"p1\"]");
  }

  private FakeExchange post(String clientId, int i) {
    return fixture.post("alice", clientId, event(i));
  }

  @Test
  void anAjaxPostThatFindsItsClientsHandlerQueueFullIsAnswered429() throws Exception {
    start(SenteServer.builder().maxInboundEvents(3));
    FakeExchange handshake = FakeExchange.get("client-id=c3&udt=1&handshake%3F=1");
    handshake.session.put("uid", "alice");
    sente.endpoint().handle(handshake);
    assertThat(post("c3", 0).status).isEqualTo(200);
    awaitBlocked();
    for (int i = 1; i <= 3; i++) {
      assertThat(post("c3", i).status).isEqualTo(200);
    }
    assertThat(sente.backlog().largestInboundEvents()).isEqualTo(3);

    FakeExchange refused = post("c3", 4);
    assertThat(refused.status).isEqualTo(429);
    assertThat(refused.responseBody).contains("maxInboundEvents 3");
    assertThat(post("c3", 5).status).isEqualTo(429);
    assertThat(sente.backlog().largestInboundEvents()).isEqualTo(3);

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 4);
    assertThat(post("c3", 6).status).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 5);
    assertThat(handled).containsExactly(0, 1, 2, 3, 6);
  }

  @Test
  void postsFromAClientWithoutAHandshakeShareOneBoundedQueueAndItsFirstGetIsStillAHandshake()
      throws Exception {
    start(SenteServer.builder().maxInboundEvents(2));
    assertThat(post("c9", 0).status).isEqualTo(200);
    awaitBlocked();
    assertThat(post("c9", 1).status).isEqualTo(200);
    assertThat(post("c9", 2).status).isEqualTo(200);
    assertThat(post("c9", 3).status).isEqualTo(429);
    assertThat(handled).isEmpty(); // in order behind the blocked one, not beside it

    FakeExchange get = FakeExchange.get("client-id=c9&udt=1");
    get.session.put("uid", "alice");
    sente.endpoint().handle(get);
    assertThat(get.responseBody).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(sente.connectedUsers().any()).isEmpty();

    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
    assertThat(handled).containsExactly(0, 1, 2);
    time.advance(5000); // the Ajax grace: a client that never polls is forgotten
    assertThat(sente.backlog()).isEqualTo(new dev.sente.server.Backlog(0, 0, 0, 0));
    assertThat(time.pending()).isZero();
  }

  @Test
  void theInboundBoundIsValidatedAndDefaultsTo32() {
    assertThat(SenteServer.builder().config().maxInboundEvents()).isEqualTo(32);
    assertThatThrownBy(() -> SenteServer.builder().maxInboundEvents(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
