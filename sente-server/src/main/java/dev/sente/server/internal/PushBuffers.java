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
 */
final class PushBuffers {

  /** Delivers one batch. */
  interface Sink {
    void deliver(Transport transport, String userId, List<Event> events);
  }

  private record Key(Transport transport, String userId) {}

  private static final class Batch {
    final List<Event> events = new ArrayList<>();
    Cancellable timer;
  }

  private final Map<Key, Batch> batches = new HashMap<>();
  private final Scheduler scheduler;
  private final long webSocketWindow;
  private final long ajaxWindow;
  private final Sink sink;

  PushBuffers(Scheduler scheduler, long webSocketWindow, long ajaxWindow, Sink sink) {
    this.scheduler = scheduler;
    this.webSocketWindow = webSocketWindow;
    this.ajaxWindow = ajaxWindow;
    this.sink = sink;
  }

  void add(Transport transport, String userId, Event event, boolean flush) {
    Key key = new Key(transport, userId);
    List<Event> now = null;
    synchronized (this) {
      Batch batch = batches.get(key);
      if (batch == null) {
        batch = new Batch();
        batches.put(key, batch);
        if (!flush) {
          Batch armed = batch;
          long window = transport == Transport.WEBSOCKET ? webSocketWindow : ajaxWindow;
          batch.timer = scheduler.schedule(window, () -> flush(key, armed));
        }
      }
      batch.events.add(event);
      if (flush) {
        batches.remove(key);
        if (batch.timer != null) {
          batch.timer.cancel();
        }
        now = batch.events;
      }
    }
    if (now != null) {
      sink.deliver(transport, userId, now);
    }
  }

  private void flush(Key key, Batch batch) {
    synchronized (this) {
      if (batches.get(key) != batch) {
        return;
      }
      batches.remove(key);
    }
    sink.deliver(key.transport(), key.userId(), batch.events);
  }

  synchronized void clear() {
    for (Batch batch : batches.values()) {
      if (batch.timer != null) {
        batch.timer.cancel();
      }
    }
    batches.clear();
  }
}
