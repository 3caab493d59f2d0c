package dev.sente.core.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private SerialExecutor serial(java.util.concurrent.Executor delegate) {
    return new SerialExecutor(delegate, (task, error) -> errors.add(error));
  }

  @Test
  void tasksRunOneAtATimeInSubmissionOrder() {
    SerialExecutor serial = serial(pool);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    for (int i = 0; i < 1000; i++) {
      int n = i;
      serial.execute(
          () -> {
            if (running.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            seen.add(n);
            running.decrementAndGet();
          });
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1000);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      expected.add(i);
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(overlaps.get()).isZero();
  }

  @Test
  void tasksWaitBehindARunningOneAndAreCounted() throws Exception {
    SerialExecutor serial = serial(pool);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(2);
    serial.execute(
        () -> {
          started.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          done.countDown();
        });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(serial.queued()).isZero();
    serial.execute(done::countDown);
    assertThat(serial.queued()).isEqualTo(1);
    release.countDown();
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> serial.queued() == 0);
  }

  @Test
  void aThrowingTaskIsReportedAndLaterTasksStillRun() {
    SerialExecutor serial = serial(Runnable::run);
    List<String> ran = new ArrayList<>();
    serial.execute(
        () -> {
          throw new IllegalStateException("boom");
        });
    serial.execute(() -> ran.add("after"));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).hasMessage("boom");
    assertThat(ran).containsExactly("after");
  }

  @Test
  void aRejectingDelegateFailsTheCallAndLeavesTheExecutorUsable() {
    AtomicInteger calls = new AtomicInteger();
    SerialExecutor serial =
        serial(
            task -> {
              if (calls.incrementAndGet() == 1) {
                throw new RejectedExecutionException("full");
              }
              task.run();
            });
    assertThatThrownBy(() -> serial.execute(() -> {}))
        .isInstanceOf(RejectedExecutionException.class);
    List<String> ran = new ArrayList<>();
    serial.execute(() -> ran.add("second"));
    assertThat(ran).containsExactly("second");
  }

  /** A delegate that keeps the drain task until the test runs it: the first task "is running". */
  private static final class Deferred implements java.util.concurrent.Executor {
    final List<Runnable> started = new ArrayList<>();

    @Override
    public void execute(Runnable command) {
      started.add(command);
    }

    void runAll() {
      while (!started.isEmpty()) {
        started.remove(0).run();
      }
    }
  }

  @Test
  void offerRefusesATaskWhenTheCapacityIsWaitingAndExecuteStillQueues() {
    Deferred delegate = new Deferred();
    SerialExecutor serial = new SerialExecutor(delegate, (task, error) -> errors.add(error), 2);
    List<String> ran = new ArrayList<>();
    assertThat(serial.offer(() -> ran.add("running"))).isTrue();
    assertThat(serial.offer(() -> ran.add("w1"))).isTrue();
    assertThat(serial.offer(() -> ran.add("w2"))).isTrue();
    assertThat(serial.offer(() -> ran.add("refused"))).isFalse();
    assertThat(serial.queued()).isEqualTo(2);
    serial.execute(() -> ran.add("notification"));
    assertThat(serial.queued()).isEqualTo(3);

    delegate.runAll();

    assertThat(ran).containsExactly("running", "w1", "w2", "notification");
    assertThat(serial.offer(() -> ran.add("later"))).isTrue();
    delegate.runAll();
    assertThat(ran).last().isEqualTo("later");
  }

  @Test
  void submitSaysFullAtTheCapacityAndCallsBackOnceHalfHasDrained() {
    Deferred delegate = new Deferred();
    SerialExecutor serial = new SerialExecutor(delegate, (task, error) -> errors.add(error), 4);
    List<String> ran = new ArrayList<>();
    Runnable room = () -> ran.add("room");
    assertThat(serial.submit(() -> ran.add("t0"), room)).isTrue();
    assertThat(serial.submit(() -> ran.add("t1"), room)).isTrue();
    assertThat(serial.submit(() -> ran.add("t2"), room)).isTrue();
    assertThat(serial.submit(() -> ran.add("t3"), room)).isTrue();
    assertThat(serial.submit(() -> ran.add("t4"), room)).isFalse();
    assertThat(serial.queued()).isEqualTo(4);

    delegate.runAll();

    // t1 taken: 3 wait; t2 taken: 2 wait, half the capacity: room, before t2 runs
    assertThat(ran).containsExactly("t0", "t1", "room", "t2", "t3", "t4");
    assertThat(serial.queued()).isZero();
    assertThat(errors).isEmpty();
  }

  @Test
  void aCapacityOfOneCallsBackWhenTheQueueIsEmpty() {
    Deferred delegate = new Deferred();
    SerialExecutor serial = new SerialExecutor(delegate, (task, error) -> errors.add(error), 1);
    List<String> ran = new ArrayList<>();
    assertThat(serial.submit(() -> ran.add("t0"), () -> ran.add("never"))).isTrue();
    assertThat(serial.submit(() -> ran.add("t1"), () -> ran.add("room"))).isFalse();
    delegate.runAll();
    assertThat(ran).containsExactly("t0", "room", "t1");
    assertThatThrownBy(() -> new SerialExecutor(delegate, (task, error) -> {}, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
