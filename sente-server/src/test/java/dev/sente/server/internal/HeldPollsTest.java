package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The held-poll limit's bookkeeping on its own: places, and the rate of the refusal log. */
class HeldPollsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final HeldPolls polls = new HeldPolls(2, now::get);

  @Test
  void refusalsAreLoggedAtMostOncePerPeriodWhateverTheirNumber() {
    assertThat(polls.refused()).as("the first refusal").isTrue();
    int logged = 0;
    for (int i = 0; i < 10_000; i++) {
      if (polls.refused()) {
        logged++;
      }
    }
    assertThat(logged).isZero();
    now.addAndGet(HeldPolls.REFUSAL_LOG_MILLIS - 1);
    assertThat(polls.refused()).isFalse();
    now.addAndGet(1);
    assertThat(polls.refused()).as("a period later").isTrue();
    assertThat(polls.refused()).isFalse();
  }

  @Test
  void aPlaceIsTakenUpToTheLimitAndBeyondItOnlyByAReplacement() {
    assertThat(polls.tryTake(false)).isTrue();
    assertThat(polls.tryTake(false)).isTrue();
    assertThat(polls.tryTake(false)).isFalse();
    assertThat(polls.count()).isEqualTo(2);
    assertThat(polls.tryTake(true)).isTrue();
    assertThat(polls.count()).isEqualTo(3);
    polls.giveBack();
    assertThat(polls.count()).isEqualTo(2);
  }
}
