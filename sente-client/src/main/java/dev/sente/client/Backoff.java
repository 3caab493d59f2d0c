package dev.sente.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How long a {@link SenteClient} waits before its n-th retry after a failed or dropped connection.
 * The retry count restarts at every successful handshake and at {@link SenteClient#reconnect()}.
 *
 * <p>The default, {@link #exponential()}, is Sente's own schedule with a ceiling: attempt 1 is
 * immediate; attempt n ≥ 2 waits {@code cap = min(30 s, 1 s × 2^n)} with <em>equal jitter</em>, a
 * random time between {@code cap/2} and {@code cap}: 2–4 s, 4–8 s, 8–16 s, then 15–30 s for every
 * later attempt. The jitter spreads thousands of clients reconnecting after a server restart; the
 * ceiling keeps a client from waiting minutes after a long outage (Sente issue 125).
 *
 * <pre>{@code
 * SenteClient.builder(uri).backoff(Backoff.exponential()).build();             // the default
 * SenteClient.builder(uri)
 *     .backoff(Backoff.exponential(Duration.ofMillis(500), Duration.ofSeconds(10), Backoff.Jitter.FULL))
 *     .build();
 * SenteClient.builder(uri).backoff(attempt -> Duration.ofSeconds(attempt)).build(); // your own
 * }</pre>
 */
@FunctionalInterface
public interface Backoff {

  /** The default base delay: 1 s. */
  Duration DEFAULT_BASE = Duration.ofSeconds(1);

  /** The default ceiling: 30 s. */
  Duration DEFAULT_CEILING = Duration.ofSeconds(30);

  /**
   * The delay before retry number {@code attempt} (1 for the first retry). Must not be negative.
   * Called on the client's timer thread; must not block.
   */
  Duration delay(int attempt);

  /** How a random part is added to an exponential delay. */
  enum Jitter {
    /** No randomness: exactly {@code cap}. */
    NONE,
    /** Uniform between 0 and {@code cap}: the widest spread. */
    FULL,
    /** Uniform between {@code cap/2} and {@code cap}: Sente's jitter, and the default. */
    EQUAL
  }

  /** The default: base 1 s, ceiling 30 s, equal jitter (see the class description). */
  static Backoff exponential() {
    return exponential(DEFAULT_BASE, DEFAULT_CEILING, Jitter.EQUAL);
  }

  /**
   * Attempt 1 is immediate; attempt n ≥ 2 waits {@code cap = min(ceiling, base × 2^n)} with the
   * given jitter.
   */
  static Backoff exponential(Duration base, Duration ceiling, Jitter jitter) {
    return exponential(base, ceiling, jitter, ThreadLocalRandom.current());
  }

  /** Like {@link #exponential(Duration, Duration, Jitter)} with a given random source (tests). */
  static Backoff exponential(
      Duration base, Duration ceiling, Jitter jitter, RandomGenerator random) {
    Objects.requireNonNull(jitter, "jitter");
    Objects.requireNonNull(random, "random");
    long baseMillis = nonNegative(base, "base").toMillis();
    long ceilingMillis = nonNegative(ceiling, "ceiling").toMillis();
    boolean threadLocal = random instanceof ThreadLocalRandom;
    return attempt -> {
      if (attempt <= 1) {
        return Duration.ZERO;
      }
      int shift = Math.min(attempt, 40);
      long cap = baseMillis > (Long.MAX_VALUE >> shift) ? ceilingMillis : baseMillis << shift;
      cap = Math.min(cap, ceilingMillis);
      RandomGenerator r = threadLocal ? ThreadLocalRandom.current() : random;
      long millis =
          switch (jitter) {
            case NONE -> cap;
            case FULL -> cap == 0 ? 0 : r.nextLong(cap + 1);
            case EQUAL -> cap / 2 + (cap - cap / 2 == 0 ? 0 : r.nextLong(cap - cap / 2 + 1));
          };
      return Duration.ofMillis(millis);
    };
  }

  private static Duration nonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }
}
