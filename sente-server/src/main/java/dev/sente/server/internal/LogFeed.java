package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.time.Scheduler;
import dev.sente.server.SenteConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from {@code send} to a client: the sink of the batching windows ({@link
 * PushBuffers}) packs each batch once (its plain frame, which also sizes its events for the log's
 * bounds) and appends it to the user's stream in the {@link DeliveryLog}, which wakes the drains of
 * the user's clients (their sockets and held polls); in a cluster it hands the batch to the {@link
 * ClusterFeed} instead. It also runs the log's sweep timer.
 */
final class LogFeed {
  private static final Logger LOG = LoggerFactory.getLogger(LogFeed.class);

  private final Protocol protocol;
  private final SenteConfig config;
  private final DeliveryLog log;
  private final ClusterFeed cluster;
  private final Scheduler scheduler;
  private final BooleanSupplier closed;
  private final AtomicBoolean sweeping = new AtomicBoolean();

  LogFeed(
      Protocol protocol,
      SenteConfig config,
      DeliveryLog log,
      ClusterFeed cluster,
      Scheduler scheduler,
      BooleanSupplier closed) {
    this.protocol = protocol;
    this.config = config;
    this.log = log;
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.closed = closed;
  }

  /**
   * Packs the user's batch and appends it to the user's stream; in a cluster, sends it to the
   * shared log, which numbers it and gives it back to every node ({@link ClusterFeed}).
   */
  void deliver(String userId, List<Event> events) {
    if (cluster != null) {
      cluster.append(userId, events, e -> config.errorHandler().onError(e, Optional.empty()));
      return;
    }
    Packed packed;
    try {
      packed = protocol.push(events);
    } catch (PackException e) {
      config.errorHandler().onError(e, Optional.empty());
      return;
    }
    long weight = WsConnection.weight(packed);
    int[] sizes =
        events.size() > 1 && weight > config.maxMessageBytes()
            ? sizesAlone(events)
            : sizes(events.size(), weight);
    log.append(userId, events, sizes, ResumeFrames.PLAIN, packed);
  }

  /**
   * Each event's size packed alone: for a batch over {@code maxMessageBytes}, whose reads are cut
   * into frames under it by these sizes (an even share would misplace one large event).
   */
  private int[] sizesAlone(List<Event> events) {
    int[] sizes = new int[events.size()];
    for (int i = 0; i < sizes.length; i++) {
      long alone = WsConnection.weight(protocol.push(List.of(events.get(i))));
      sizes[i] = (int) Math.min(Integer.MAX_VALUE, alone);
    }
    return sizes;
  }

  /** Each event's share of its batch's packed size, for the log's byte bounds. */
  private static int[] sizes(int count, long packedBytes) {
    int[] sizes = new int[count];
    long each = packedBytes / count;
    Arrays.fill(sizes, (int) Math.min(Integer.MAX_VALUE, each));
    sizes[count - 1] = (int) Math.min(Integer.MAX_VALUE, packedBytes - each * (count - 1));
    return sizes;
  }

  /**
   * Starts the log's sweep timer unless it runs: called when a resume cursor opens. The timer trims
   * the log by age and lets idle streams go every eighth of the window (appends and reads only trim
   * what they touch; this catches the streams nobody touches), and stops once the log holds no
   * stream.
   */
  void ensureSweeps() {
    if (sweeping.compareAndSet(false, true)) {
      scheduleSweep();
    }
  }

  private void scheduleSweep() {
    scheduler.schedule(Math.max(100, config.resumeMaxAgeMillis() / 8), this::sweep);
  }

  private void sweep() {
    if (closed.getAsBoolean()) {
      return;
    }
    try {
      log.sweep();
    } catch (RuntimeException e) {
      LOG.error("Sweeping the delivery log failed", e);
    }
    if (!log.isEmpty()) {
      scheduleSweep();
      return;
    }
    sweeping.set(false);
    if (!log.isEmpty()) {
      ensureSweeps(); // a stream came meanwhile
    }
  }
}
