package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.time.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private final ManualScheduler time = new ManualScheduler();
  private final Deadline deadline = new Deadline();
  private final List<Long> dueAt = new ArrayList<>();
  private final Runnable onTimer =
      () -> {
        if (deadline.fired(time)) {
          dueAt.add(time.nowMillis());
        }
      };

  @Test
  void fallsDueAfterItsDelay() {
    deadline.set(time, 100, onTimer);
    time.advance(99);
    assertThat(dueAt).isEmpty();
    time.advance(1);
    assertThat(dueAt).containsExactly(100L);
    assertThat(deadline.isSet()).isFalse();
    assertThat(time.pending()).isZero();
  }

  @Test
  void movingItLaterKeepsOneTimerThatReArmsForTheRest() {
    deadline.set(time, 100, onTimer);
    time.advance(60);
    deadline.set(time, 100, onTimer); // now due at 160
    assertThat(time.pending()).isEqualTo(1);
    time.advance(40); // the first timer fires at 100 and re-arms
    assertThat(dueAt).isEmpty();
    assertThat(time.pendingDelays()).containsExactly(60L);
    time.advance(60);
    assertThat(dueAt).containsExactly(160L);
  }

  @Test
  void movingItEarlierReplacesTheTimer() {
    deadline.set(time, 100, onTimer);
    deadline.set(time, 0, onTimer);
    deadline.set(time, 30, onTimer);
    assertThat(time.pending()).isEqualTo(1);
    time.advance(30);
    assertThat(dueAt).containsExactly(30L);
    assertThat(time.pending()).isZero();
  }

  @Test
  void aClearedDeadlineNeverFallsDueAndItsTimerEndsQuietly() {
    deadline.set(time, 100, onTimer);
    deadline.clear();
    time.advance(100);
    assertThat(dueAt).isEmpty();
    assertThat(time.pending()).isZero();
  }

  @Test
  void cancelRemovesThePendingTimer() {
    deadline.set(time, 100, onTimer);
    deadline.cancel();
    assertThat(time.pending()).isZero();
    assertThat(deadline.isSet()).isFalse();
  }
}
