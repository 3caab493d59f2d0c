package dev.sente.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one loop saw, written only by its thread: round trips inside the measurement window and push
 * deliveries, with their latencies in microseconds.
 */
final class Stats {
  /** Latencies up to an hour, three significant digits. */
  private static final long MAX_MICROS = 3_600_000_000L;

  final Histogram requestReply = new Histogram(MAX_MICROS, 3);
  final Histogram push = new Histogram(MAX_MICROS, 3);
  long windowStart = Long.MAX_VALUE;
  long windowEnd = Long.MIN_VALUE;
  long roundTrips;
  long delivered;
  long lastDelivery;
  long errors;
  long closedEarly;

  /** Starts a new measurement: round trips sent and answered within [start, end] count. */
  void reset(long start, long end) {
    requestReply.reset();
    push.reset();
    windowStart = start;
    windowEnd = end;
    roundTrips = 0;
    delivered = 0;
    lastDelivery = 0;
    errors = 0;
    closedEarly = 0;
  }

  void roundTrip(long sentAt, long now) {
    if (sentAt >= windowStart && now <= windowEnd) {
      roundTrips++;
      requestReply.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - sentAt) / 1000)));
    }
  }

  void delivered(long stamp, long now) {
    delivered++;
    if (now > lastDelivery) {
      lastDelivery = now;
    }
    push.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - stamp) / 1000)));
  }

  /** Adds another loop's figures to this one (the caller owns both). */
  void add(Stats other) {
    requestReply.add(other.requestReply);
    push.add(other.push);
    roundTrips += other.roundTrips;
    delivered += other.delivered;
    lastDelivery = Math.max(lastDelivery, other.lastDelivery);
    errors += other.errors;
    closedEarly += other.closedEarly;
  }

  /** A copy, taken on the loop's thread. */
  Stats copy() {
    Stats copy = new Stats();
    copy.add(this);
    copy.windowStart = windowStart;
    copy.windowEnd = windowEnd;
    return copy;
  }
}
