package dev.sente.core.internal;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Bounds a log line that input from outside can trigger again and again (a malformed frame, a
 * rejected request): in each interval, the first {@code burst} occurrences are logged and the rest
 * only counted. The count is reported with the next line that is logged, or by whoever calls {@link
 * #drainSuppressed()} (when the source goes away, say). Its state is a few fields, whatever the
 * number of occurrences. Not an API: shared by Sente's own modules.
 *
 * <pre>{@code
 * long skipped = limiter.acquire();
 * if (skipped >= 0) {
 *   LOG.warn("Dropped a malformed frame from client {}{}", safe(clientId), LogLimiter.note(skipped));
 * }
 * }</pre>
 */
public final class LogLimiter {

  /** How many occurrences are logged in each interval, unless told otherwise. */
  public static final int DEFAULT_BURST = 3;

  /** The interval, unless told otherwise: a minute. */
  public static final long DEFAULT_INTERVAL_MILLIS = 60_000;

  private final int burst;
  private final long intervalMillis;
  private final LongSupplier clock;
  private boolean started;
  private long windowStart;
  private int logged;
  private long suppressed;

  /**
   * A limiter of {@code burst} lines per {@code intervalMillis} on the given clock (milliseconds).
   */
  public LogLimiter(int burst, long intervalMillis, LongSupplier clock) {
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, got " + burst);
    }
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("intervalMillis must be positive, got " + intervalMillis);
    }
    this.burst = burst;
    this.intervalMillis = intervalMillis;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@value #DEFAULT_BURST} lines a minute on the given clock. */
  public static LogLimiter perMinute(LongSupplier clock) {
    return new LogLimiter(DEFAULT_BURST, DEFAULT_INTERVAL_MILLIS, clock);
  }

  /** {@value #DEFAULT_BURST} lines a minute on the system clock. */
  public static LogLimiter perMinute() {
    return perMinute(System::currentTimeMillis);
  }

  /**
   * One occurrence: -1 when it must not be logged (it is counted); otherwise it may be logged, and
   * the result is how many were counted and not reported since the last one logged (0 mostly).
   */
  public synchronized long acquire() {
    long now = clock.getAsLong();
    if (!started || now - windowStart >= intervalMillis) {
      started = true;
      windowStart = now;
      logged = 0;
    }
    if (logged >= burst) {
      suppressed++;
      return -1;
    }
    logged++;
    long count = suppressed;
    suppressed = 0;
    return count;
  }

  /** The occurrences counted and not reported yet; they count as reported from now on. */
  public synchronized long drainSuppressed() {
    long count = suppressed;
    suppressed = 0;
    return count;
  }

  /** The text to append to a logged line for a result of {@link #acquire()}: empty for 0. */
  public static String note(long suppressed) {
    return suppressed <= 0 ? "" : " (" + suppressed + " more like it were not logged)";
  }
}
