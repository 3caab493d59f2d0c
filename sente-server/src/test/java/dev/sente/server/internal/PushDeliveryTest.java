package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Event;
import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batch delivery order per user, forgetting idle users, and keep-alive notifications. */
class PushDeliveryTest {
  private final EngineFixture fixture = new EngineFixture();
  private final ManualScheduler time = fixture.time;
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  private record Delivered(String thread, String userId, List<String> events) {}

  private void record(String userId, List<Event> events) {
    List<String> ids = new ArrayList<>();
    events.forEach(e -> ids.add(e.id()));
    delivered.add(new Delivered(Thread.currentThread().getName(), userId, ids));
  }

  /** Buffers (30 ms / 100 ms windows) whose sink runs {@code first}, then records the batch. */
  private PushBuffers buffersThatFirst(java.util.function.Consumer<List<Event>> first) {
    return new PushBuffers(
        time,
        (user, events) -> {
          first.accept(events);
          record(user, events);
        });
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void aFlushCannotOvertakeTheUsersBatchBeingDeliveredAndOtherUsersAreNotHeldUp() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    PushBuffers buffers =
        buffersThatFirst(
            events -> {
              if (events.get(0).id().equals("x/1")) {
                firstStarted.countDown();
                await(release);
              }
            });
    buffers.add("alice", Event.of("x/1"), false, 30);
    Thread timer = new Thread(() -> time.advance(30), "timer");
    timer.start(); // closes alice's window; her delivery blocks in the sink
    assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();

    String me = Thread.currentThread().getName();
    buffers.add("alice", Event.of("x/2"), true, 30);
    buffers.add("bob", Event.of("y/1"), true, 30);
    assertThat(delivered).containsExactly(new Delivered(me, "bob", List.of("y/1")));

    release.countDown();
    timer.join(5000);
    assertThat(delivered)
        .containsExactly(
            new Delivered(me, "bob", List.of("y/1")),
            new Delivered("timer", "alice", List.of("x/1")),
            new Delivered("timer", "alice", List.of("x/2")));
    assertThat(buffers.activeUsers()).isZero();
  }

  @Test
  void aFlushTakesTheOpenWindowWithItAndCancelsItsTimer() {
    PushBuffers buffers = new PushBuffers(time, this::record);
    buffers.add("alice", Event.of("x/1"), false, 100);
    buffers.add("alice", Event.of("x/2"), true, 100);
    assertThat(delivered).extracting(Delivered::events).containsExactly(List.of("x/1", "x/2"));
    assertThat(time.pending()).isZero();
    assertThat(buffers.activeUsers()).isZero();
  }

  @Test
  void usersAreForgottenOnceTheirWindowIsDeliveredAndTheWindowIsTheOneItOpenedWith() {
    PushBuffers buffers = new PushBuffers(time, this::record);
    for (int i = 0; i < 100; i++) {
      buffers.add("user-" + i, Event.of("x/a"), false, i < 50 ? 30 : 100);
      buffers.add("user-" + i, Event.of("x/b"), false, 30); // joins the open window
    }
    assertThat(buffers.activeUsers()).isEqualTo(100);
    time.advance(30);
    assertThat(buffers.activeUsers()).isEqualTo(50);
    time.advance(70);
    assertThat(buffers.activeUsers()).isZero();
    assertThat(delivered).hasSize(100).allMatch(d -> d.events().equals(List.of("x/a", "x/b")));
  }

  @Test
  void aFailingDeliveryIsLoggedAndTheNextBatchStillGoesOut() {
    AtomicInteger calls = new AtomicInteger();
    PushBuffers buffers =
        buffersThatFirst(
            events -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("socket gone");
              }
            });
    buffers.add("alice", Event.of("x/1"), true, 30);
    String me = Thread.currentThread().getName();
    buffers.add("alice", Event.of("x/2"), true, 30);
    assertThat(delivered).extracting(Delivered::events).containsExactly(List.of("x/2"));
    assertThat(buffers.activeUsers()).isZero();
  }

  @Test
  void keepAlivePingsAndPongsStartNoHandlerTaskWhenNoHandlerListens() {
    AtomicInteger tasks = new AtomicInteger();
    SenteServer sente =
        fixture.start(
            SenteServer.builder(),
            task -> {
              tasks.incrementAndGet();
              task.run();
            },
            false);
    List<String> echoed = new CopyOnWriteArrayList<>();
    sente.on("x/echo", message -> echoed.add(message.id()));
    FakeExchange.FakeSocket socket = fixture.openSocket(null, "c1");
    int afterOpen = tasks.get(); // the uidport-open notification
    socket.receive("[[\"chsk/ws-ping\"],\"1\"]");
    socket.receive("[[\"chsk/ws-pong\"],null]");
    assertThat(socket.frames()).last().isEqualTo("[\"pong\",\"1\"]");
    assertThat(tasks.get()).isEqualTo(afterOpen);
    socket.receive("[[\"x/echo\"],null]");
    assertThat(tasks.get()).isEqualTo(afterOpen + 1);
    assertThat(echoed).containsExactly("x/echo");
  }

  @Test
  void aPingHandlerStillHearsThePings() {
    SenteServer sente = fixture.start(SenteServer.builder(), Runnable::run, false);
    List<String> heard = new CopyOnWriteArrayList<>();
    sente.on("chsk/ws-ping", message -> heard.add(message.id()));
    FakeExchange.FakeSocket socket = fixture.openSocket(null, "c1");
    socket.receive("[[\"chsk/ws-ping\"],null]");
    assertThat(heard).containsExactly("chsk/ws-ping");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
