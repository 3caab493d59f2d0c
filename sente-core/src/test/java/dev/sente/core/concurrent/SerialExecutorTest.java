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
}
