package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.internal.Logs;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batching windows per user: the first event for a user arms the window's timer (its length given
 * with that event: the WebSocket window when the user has a WebSocket client, the Ajax one
 * otherwise), every event sent before it fires joins the batch, and the batch is appended to the
 * user's stream in the delivery log at once, as one frame's worth. A flush sends the user's batch,
 * with the new event, at once.
 *
 * <p>A closed batch is delivered on the thread that closed it (the timer's, or the sender's for a
 * flush), outside this object's lock. One user's batches never overtake each other: while one is
 * being delivered, later ones of that user wait in line and the delivering thread takes them too.
 * (Sente leaves this open: there a flushed send may overtake a batch being packed.)
 */
final class PushBuffers {
  private static final Logger LOG = LoggerFactory.getLogger(PushBuffers.class);

  /** Delivers one batch. */
  interface Sink {
    void deliver(String userId, List<Event> events);
  }

  /** A user's state on one transport; in the map while a window is open or a delivery runs. */
  private static final class UserBuffer {
    List<Event> open; // the events of the open window, null when none is open
    Cancellable timer; // the open window's end
    boolean delivering; // a thread is delivering this user's batches
    ArrayDeque<List<Event>> waiting; // closed batches behind the one being delivered
  }

  // keyed by user id: no key object per send
  private final Map<String, UserBuffer> buffers = new HashMap<>();
  private final Scheduler scheduler;
  private final Sink sink;

  PushBuffers(Scheduler scheduler, Sink sink) {
    this.scheduler = scheduler;
    this.sink = sink;
  }

  /** Adds an event to the user's batch; {@code window} is the window's length if this opens it. */
  void add(String userId, Event event, boolean flush, long window) {
    UserBuffer buffer;
    List<Event> now;
    synchronized (this) {
      buffer = buffers.get(userId);
      if (buffer == null) {
        buffer = new UserBuffer();
        buffers.put(userId, buffer);
      }
      if (buffer.open == null) {
        buffer.open = new ArrayList<>(4);
        if (!flush) {
          UserBuffer armed = buffer;
          buffer.timer = scheduler.schedule(window, () -> windowEnds(userId, armed));
        }
      }
      buffer.open.add(event);
      if (!flush) {
        return;
      }
      now = close(buffer);
    }
    if (now != null) {
      deliverInOrder(userId, buffer, now);
    }
  }

  private void windowEnds(String userId, UserBuffer buffer) {
    List<Event> now;
    synchronized (this) {
      if (buffers.get(userId) != buffer || buffer.open == null) {
        return; // flushed or cleared meanwhile
      }
      buffer.timer = null; // it is this one, firing: nothing to cancel
      now = close(buffer);
    }
    if (now != null) {
      deliverInOrder(userId, buffer, now);
    }
  }

  /**
   * Closes the open window; returns its batch when this thread is to deliver it, or null when it
   * waits behind a delivery in progress. Call holding this object's lock.
   */
  private List<Event> close(UserBuffer buffer) {
    List<Event> batch = buffer.open;
    buffer.open = null;
    if (buffer.timer != null) {
      buffer.timer.cancel();
      buffer.timer = null;
    }
    if (buffer.delivering) {
      if (buffer.waiting == null) {
        buffer.waiting = new ArrayDeque<>(2);
      }
      buffer.waiting.add(batch);
      return null;
    }
    buffer.delivering = true;
    return batch;
  }

  /** Delivers the batch, then any that closed meanwhile, and forgets an idle user. */
  private void deliverInOrder(String userId, UserBuffer buffer, List<Event> first) {
    List<Event> batch = first;
    while (batch != null) {
      try {
        sink.deliver(userId, batch);
      } catch (RuntimeException e) {
        LOG.error("Failed to deliver a push to user {}", Logs.safe(userId), e);
      }
      synchronized (this) {
        batch = buffer.waiting == null ? null : buffer.waiting.poll();
        if (batch == null) {
          buffer.delivering = false;
          if (buffer.open == null) {
            buffers.remove(userId, buffer);
          }
        }
      }
    }
  }

  /** Users with an open window or a delivery in progress (for tests). */
  synchronized int activeUsers() {
    return buffers.size();
  }

  synchronized void clear() {
    for (UserBuffer buffer : buffers.values()) {
      if (buffer.timer != null) {
        buffer.timer.cancel();
      }
    }
    buffers.clear();
  }
}
