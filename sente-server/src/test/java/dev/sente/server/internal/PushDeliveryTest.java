package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import dev.sente.server.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batched pushes handed to the push lanes, and keep-alive notifications nobody listens to. */
class PushDeliveryTest {
  private final ManualScheduler time = new ManualScheduler();
  private PushLanes lanes;
  private SenteServer sente;

  private record Delivered(String thread, String userId, List<String> events) {}

  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  private PushBuffers buffers(int laneCount, PushBuffers.Sink sink) {
    lanes = laneCount > 0 ? new PushLanes(laneCount, "test-push-") : null;
    return new PushBuffers(time, 30, 100, sink, lanes);
  }

  private void record(Transport transport, String userId, List<Event> events) {
    List<String> ids = new ArrayList<>();
    events.forEach(e -> ids.add(e.id()));
    delivered.add(new Delivered(Thread.currentThread().getName(), userId, ids));
  }

  @AfterEach
  void close() {
    if (lanes != null) {
      lanes.close();
    }
    if (sente != null) {
      sente.close();
    }
  }

  @Test
  void aClosedBatchIsWrittenOnAPushLaneNotOnTheTimerThread() {
    PushBuffers buffers = buffers(2, this::record);
    buffers.add(Transport.WEBSOCKET, "alice", Event.of("x/a"), false);
    buffers.add(Transport.WEBSOCKET, "alice", Event.of("x/b"), false);
    time.advance(30);
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
    assertThat(delivered.get(0).thread()).startsWith("test-push-");
    assertThat(delivered.get(0).events()).containsExactly("x/a", "x/b");
  }

  @Test
  void aUsersBatchesKeepTheirOrderBehindASlowDeliveryWhileOtherUsersGoOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    PushBuffers buffers =
        buffers(
            2,
            (transport, user, events) -> {
              if (events.get(0).id().equals("x/1")) {
                firstStarted.countDown();
                try {
                  release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              record(transport, user, events);
            });
    String slow = "alice";
    String other = userOnAnotherLane(slow);
    buffers.add(Transport.WEBSOCKET, slow, Event.of("x/1"), false);
    time.advance(30); // alice's first batch closes and blocks its lane
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
    buffers.add(Transport.WEBSOCKET, slow, Event.of("x/2"), false);
    time.advance(30); // her second batch waits behind the first
    buffers.add(Transport.WEBSOCKET, slow, Event.of("x/3"), true); // a flush too
    buffers.add(Transport.WEBSOCKET, other, Event.of("y/1"), true);
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
    assertThat(delivered.get(0).userId()).isEqualTo(other);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 4);
    assertThat(delivered.stream().filter(d -> d.userId().equals(slow)).map(Delivered::events))
        .containsExactly(List.of("x/1"), List.of("x/2"), List.of("x/3"));
  }

  /** A user id that the two lanes put on the other lane than {@code userId}'s. */
  private static String userOnAnotherLane(String userId) {
    for (int i = 0; ; i++) {
      String candidate = "user-" + i;
      if (lane(candidate) != lane(userId)) {
        return candidate;
      }
    }
  }

  private static int lane(String userId) {
    int h = userId.hashCode();
    return Math.floorMod(h ^ (h >>> 16), 2);
  }

  @Test
  void withoutLanesABatchIsWrittenOnTheThreadThatClosesIt() {
    PushBuffers buffers = buffers(0, this::record);
    buffers.add(Transport.AJAX, "alice", Event.of("x/a"), false);
    time.advance(99);
    assertThat(delivered).isEmpty();
    time.advance(1);
    assertThat(delivered)
        .containsExactly(new Delivered(Thread.currentThread().getName(), "alice", List.of("x/a")));
  }

  @Test
  void closedLanesDropLaterPushesQuietly() {
    PushBuffers buffers = buffers(1, this::record);
    lanes.close();
    buffers.add(Transport.WEBSOCKET, "alice", Event.of("x/a"), true);
    assertThat(delivered).isEmpty();
  }

  @Test
  void keepAlivePingsAndPongsStartNoHandlerTaskWhenNoHandlerListens() {
    AtomicInteger tasks = new AtomicInteger();
    sente =
        SenteServer.builder()
            .scheduler(time)
            .pushThreads(0)
            .handlerExecutor(
                task -> {
                  tasks.incrementAndGet();
                  task.run();
                })
            .build();
    List<String> echoed = new CopyOnWriteArrayList<>();
    sente.on("x/echo", message -> echoed.add(message.id()));
    FakeExchange exchange = FakeExchange.webSocket("client-id=c1");
    sente.endpoint().handle(exchange);
    int afterOpen = tasks.get(); // the uidport-open notification
    exchange.socket.receive("[[\"chsk/ws-ping\"],\"1\"]");
    exchange.socket.receive("[[\"chsk/ws-pong\"],null]");
    assertThat(exchange.socket.frames()).last().isEqualTo("[\"pong\",\"1\"]");
    assertThat(tasks.get()).isEqualTo(afterOpen);
    exchange.socket.receive("[[\"x/echo\"],null]");
    assertThat(tasks.get()).isEqualTo(afterOpen + 1);
    assertThat(echoed).containsExactly("x/echo");
  }

  @Test
  void aPingHandlerStillHearsThePings() {
    sente =
        SenteServer.builder().scheduler(time).pushThreads(0).handlerExecutor(Runnable::run).build();
    List<String> heard = new CopyOnWriteArrayList<>();
    sente.on("chsk/ws-ping", message -> heard.add(message.id()));
    FakeExchange exchange = FakeExchange.webSocket("client-id=c1");
    sente.endpoint().handle(exchange);
    exchange.socket.receive("[[\"chsk/ws-ping\"],null]");
    assertThat(heard).containsExactly("chsk/ws-ping");
  }
}
