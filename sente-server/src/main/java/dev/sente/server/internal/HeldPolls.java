package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.spi.LongPollChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-polls an engine holds: their count, its limit ({@code maxHeldPolls}), and a log of
 * refusals at a bounded rate. A held poll takes a place before the exchange is held and gives it
 * back exactly once, when its channel is completed (by a push, its timeout, a newer poll, a
 * disconnect or the server's close) or found gone, whichever comes first; so the count cannot leak
 * whichever way a poll ends.
 */
final class HeldPolls {
  private static final Logger LOG = LoggerFactory.getLogger(HeldPolls.class);

  /** Refusals are logged at most once per this many milliseconds, with their count. */
  static final long REFUSAL_LOG_MILLIS = 10_000;

  private final int limit;
  private final AtomicInteger count = new AtomicInteger();
  private final LogLimiter refusalLog;

  HeldPolls(int limit, LongSupplier clock) {
    this.limit = limit;
    this.refusalLog = new LogLimiter(1, REFUSAL_LOG_MILLIS, clock);
  }

  /** The polls held now. */
  int count() {
    return count.get();
  }

  int limit() {
    return limit;
  }

  /**
   * Takes a place for a poll about to be held; false at the limit. A client's poll that replaces
   * its own held poll takes one even at the limit: the replaced one gives its place back at once.
   */
  boolean tryTake(boolean replacing) {
    while (true) {
      int now = count.get();
      if (now >= limit && !replacing) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back a place taken for a poll that was not held after all. */
  void giveBack() {
    count.decrementAndGet();
  }

  /** The held channel, counted until it is completed or gone. */
  LongPollChannel track(LongPollChannel channel) {
    return new Counted(channel);
  }

  /**
   * A poll was refused at the limit: logs the refusals so far, at most once per {@link
   * #REFUSAL_LOG_MILLIS}. True when it logged.
   */
  boolean refused() {
    long skipped = refusalLog.acquire();
    if (skipped < 0) {
      return false;
    }
    LOG.warn(
        "Refused {} long-poll(s) with 503 since the last report: the server holds at most {}"
            + " (maxHeldPolls)",
        skipped + 1,
        limit);
    return true;
  }

  /** A held channel that gives its place back once, when it ends in any way. */
  private final class Counted implements LongPollChannel {
    private final LongPollChannel channel;
    private final AtomicBoolean ended = new AtomicBoolean();

    Counted(LongPollChannel channel) {
      this.channel = channel;
      channel.onGone(this::ended);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public boolean complete(Packed body) {
      boolean completed = channel.complete(body);
      ended(); // completed now, or it had already ended: either way it is no longer held
      return completed;
    }

    @Override
    public void onGone(Runnable action) {
      channel.onGone(action);
    }

    private void ended() {
      if (ended.compareAndSet(false, true)) {
        count.decrementAndGet();
      }
    }
  }
}
