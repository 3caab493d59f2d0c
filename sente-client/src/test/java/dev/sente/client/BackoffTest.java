package dev.sente.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theFirstRetryIsImmediate() {
    assertThat(Backoff.exponential().delay(1)).isEqualTo(Duration.ZERO);
  }

  @Test
  void theDefaultMatchesSentesScheduleWithinEqualJitterBounds() {
    Backoff backoff = Backoff.exponential();
    long[][] bounds = {
      {2, 2_000, 4_000}, {3, 4_000, 8_000}, {4, 8_000, 16_000}, {5, 15_000, 30_000}
    };
    for (long[] b : bounds) {
      LongSummaryStatistics stats = sample(backoff, (int) b[0]);
      assertThat(stats.getMin()).as("attempt %d min", b[0]).isGreaterThanOrEqualTo(b[1]);
      assertThat(stats.getMax()).as("attempt %d max", b[0]).isLessThanOrEqualTo(b[2]);
      assertThat(stats.getMax() - stats.getMin())
          .as("attempt %d spread", b[0])
          .isGreaterThan((b[2] - b[1]) / 2);
    }
  }

  @Test
  void theCeilingHoldsForEveryLaterAttemptWithoutOverflow() {
    Backoff backoff = Backoff.exponential();
    for (int attempt : new int[] {6, 10, 40, 63, 64, 1_000, Integer.MAX_VALUE}) {
      LongSummaryStatistics stats = sample(backoff, attempt);
      assertThat(stats.getMin()).isGreaterThanOrEqualTo(15_000);
      assertThat(stats.getMax()).isLessThanOrEqualTo(30_000);
    }
  }

  @Test
  void withoutJitterTheDelayIsExactlyBaseTimesTwoToTheAttemptUpToTheCeiling() {
    Backoff backoff =
        Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), Backoff.Jitter.NONE);
    assertThat(IntStream.rangeClosed(1, 6).mapToObj(backoff::delay).map(Duration::toMillis))
        .containsExactly(0L, 400L, 800L, 1_600L, 2_000L, 2_000L);
  }

  @Test
  void fullJitterSpreadsBetweenZeroAndTheCap() {
    Backoff backoff =
        Backoff.exponential(
            Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.Jitter.FULL, new Random(42));
    LongSummaryStatistics stats = sample(backoff, 3);
    assertThat(stats.getMin()).isBetween(0L, 1_000L);
    assertThat(stats.getMax()).isBetween(7_000L, 8_000L);
  }

  @Test
  void aSeededRandomGivesRepeatableDelays() {
    Backoff a =
        Backoff.exponential(
            Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.Jitter.EQUAL, new Random(7));
    Backoff b =
        Backoff.exponential(
            Duration.ofSeconds(1), Duration.ofSeconds(30), Backoff.Jitter.EQUAL, new Random(7));
    assertThat(IntStream.range(1, 20).mapToObj(a::delay).toList())
        .isEqualTo(IntStream.range(1, 20).mapToObj(b::delay).toList());
  }

  @Test
  void negativeDurationsAreRefused() {
    assertThatThrownBy(
            () ->
                Backoff.exponential(
                    Duration.ofSeconds(-1), Duration.ofSeconds(1), Backoff.Jitter.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static LongSummaryStatistics sample(Backoff backoff, int attempt) {
    return IntStream.range(0, 2_000)
        .mapToLong(i -> backoff.delay(attempt).toMillis())
        .summaryStatistics();
  }
}
