package dev.sente.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final LogLimiter limiter = new LogLimiter(3, 60_000, now::get);

  @Test
  void theFirstOccurrencesAreLoggedAndTheRestCounted() {
    assertThat(limiter.acquire()).isZero();
    assertThat(limiter.acquire()).isZero();
    assertThat(limiter.acquire()).isZero();
    for (int i = 0; i < 1_000; i++) {
      assertThat(limiter.acquire()).isEqualTo(-1);
    }
    assertThat(limiter.drainSuppressed()).isEqualTo(1_000);
    assertThat(limiter.drainSuppressed()).isZero();
  }

  @Test
  void theNextIntervalLogsAgainAndReportsTheCount() {
    for (int i = 0; i < 10; i++) {
      limiter.acquire();
    }
    now.addAndGet(59_999);
    assertThat(limiter.acquire()).isEqualTo(-1);
    now.addAndGet(1);

    assertThat(limiter.acquire()).as("the first line of the new interval").isEqualTo(8);
    assertThat(limiter.acquire()).isZero();
    assertThat(limiter.acquire()).isZero();
    assertThat(limiter.acquire()).isEqualTo(-1);
    assertThat(limiter.drainSuppressed()).isEqualTo(1);
  }

  @Test
  void theNoteNamesTheCount() {
    assertThat(LogLimiter.note(0)).isEmpty();
    assertThat(LogLimiter.note(-1)).isEmpty();
    assertThat(LogLimiter.note(7)).isEqualTo(" (7 more like it were not logged)");
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new LogLimiter(0, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LogLimiter(1, 0, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
