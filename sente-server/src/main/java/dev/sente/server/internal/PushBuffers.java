package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import dev.sente.server.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batching windows per transport and user: the first event for a user arms the window's timer,
 * every event sent before it fires joins the batch, and the batch goes out as one frame. A flush
 * sends the user's batch, with the new event, at once.
 *
 * <p>With {@link PushLanes}, a closed batch is handed to its user's lane while this object's lock
 * is held, so batches reach the lane, and the client, in the order they were closed. Without lanes,
 * the batch is delivered on the closing thread (the timer's, or the sender's for a flush).
 */
final class PushBuffers {

  /** Delivers one batch. */
  interface Sink {
    void deliver(Transport transport, String userId, List<Event> events);
  }

  private static final class Batch {
    final List<Event> events = new ArrayList<>(4);
    Cancellable timer;
  }

  // one map per transport, keyed by user id: no key object per send
  private final Map<String, Batch> webSocketBatches = new HashMap<>();
  private final Map<String, Batch> ajaxBatches = new HashMap<>();
  private final Scheduler scheduler;
  private final long webSocketWindow;
  private final long ajaxWindow;
  private final Sink sink;
  private final PushLanes lanes;

  /** Batches for the sink; {@code lanes} null delivers on the thread that closes a batch. */
  PushBuffers(
      Scheduler scheduler, long webSocketWindow, long ajaxWindow, Sink sink, PushLanes lanes) {
    this.scheduler = scheduler;
    this.webSocketWindow = webSocketWindow;
    this.ajaxWindow = ajaxWindow;
    this.sink = sink;
    this.lanes = lanes;
  }

  private Map<String, Batch> batches(Transport transport) {
    return transport == Transport.WEBSOCKET ? webSocketBatches : ajaxBatches;
  }

  void add(Transport transport, String userId, Event event, boolean flush) {
    List<Event> now = null;
    synchronized (this) {
      Map<String, Batch> batches = batches(transport);
      Batch batch = batches.get(userId);
      if (batch == null) {
        batch = new Batch();
        batches.put(userId, batch);
        if (!flush) {
          Batch armed = batch;
          long window = transport == Transport.WEBSOCKET ? webSocketWindow : ajaxWindow;
          batch.timer = scheduler.schedule(window, () -> flush(transport, userId, armed));
        }
      }
      batch.events.add(event);
      if (flush) {
        batches.remove(userId);
        if (batch.timer != null) {
          batch.timer.cancel();
        }
        if (lanes != null) {
          handOver(transport, userId, batch.events);
        } else {
          now = batch.events;
        }
      }
    }
    if (now != null) {
      sink.deliver(transport, userId, now);
    }
  }

  private void flush(Transport transport, String userId, Batch batch) {
    synchronized (this) {
      Map<String, Batch> batches = batches(transport);
      if (batches.get(userId) != batch) {
        return;
      }
      batches.remove(userId);
      if (lanes != null) {
        handOver(transport, userId, batch.events);
        return;
      }
    }
    sink.deliver(transport, userId, batch.events);
  }

  /** Queues the batch on its user's lane; call holding this object's lock. */
  private void handOver(Transport transport, String userId, List<Event> events) {
    lanes.execute(userId, () -> sink.deliver(transport, userId, events));
  }

  synchronized void clear() {
    for (Map<String, Batch> batches : List.of(webSocketBatches, ajaxBatches)) {
      for (Batch batch : batches.values()) {
        if (batch.timer != null) {
          batch.timer.cancel();
        }
      }
      batches.clear();
    }
  }
}
