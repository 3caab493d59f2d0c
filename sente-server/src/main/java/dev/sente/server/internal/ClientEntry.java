package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.Logs;
import dev.sente.server.SenteRequest;
import dev.sente.server.Transport;
import dev.sente.server.spi.LongPollChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One client (a client id of a user) on one transport: its current WebSocket or held poll, the
 * events waiting for it while it has neither, its grace timer, and its handler order. Every field
 * is guarded by the {@link Registry}'s lock.
 */
final class ClientEntry {
  final Transport transport;
  final String userId;
  final String clientId;
  final SerialExecutor handlers;

  /** Counted in the connected users (the Ajax handshake alone does not count). */
  boolean connected;

  /** The open WebSocket, null while closed (in its grace period). */
  WsConnection socket;

  /** Set by a server-side disconnect: the Ajax client's next GET is answered with a handshake. */
  boolean rehandshake;

  /** The held poll, null between polls. */
  LongPollChannel poll;

  /**
   * The resume cursor, when the client was granted resume. WebSocket: the cursor of the client's
   * latest socket, kept open across the grace period (so that the user's stream, its epoch and
   * numbers, stay for the reconnect even when it holds no events), closed when a newer socket
   * replaces it. Ajax: one cursor for the entry's life, placed by each poll. Closed when the client
   * is forgotten.
   */
  Cursor resumeCursor;

  /** The request of the latest socket or poll, for notifications. */
  SenteRequest request;

  /** While it has neither socket nor poll: when the client is forgotten. */
  final Deadline grace = new Deadline();

  /** While a poll is held: when it is answered with the timeout. */
  final Deadline pollTimeout = new Deadline();

  /** The timer tasks of the two deadlines, made once per client rather than on every poll. */
  Runnable graceTask;

  Runnable pollTask;

  /** An event kept for later, with its share of its batch's packed size. */
  private record Kept(Event event, long weight) {}

  private ArrayDeque<Kept> pending; // created when the first event has to wait
  private long pendingBytes;
  long droppedPending;

  ClientEntry(Transport transport, String userId, String clientId, SerialExecutor handlers) {
    this.transport = transport;
    this.userId = userId;
    this.clientId = clientId;
    this.handlers = handlers;
  }

  /**
   * Keeps events for later delivery; {@code batchBytes} is the packed size of the batch they came
   * in, shared evenly among them. Drops the oldest beyond {@code limit} events or {@code byteLimit}
   * bytes (the newest event is always kept) and returns how many.
   */
  int addPending(List<Event> events, long batchBytes, int limit, long byteLimit) {
    if (events.isEmpty()) {
      return 0;
    }
    if (pending == null) {
      pending = new ArrayDeque<>(Math.max(4, events.size()));
    }
    long each = Math.max(1, batchBytes / events.size());
    for (Event event : events) {
      pending.add(new Kept(event, each));
      pendingBytes += each;
    }
    int dropped = 0;
    while (pending.size() > 1 && (pending.size() > limit || pendingBytes > byteLimit)) {
      pendingBytes -= pending.pollFirst().weight();
      dropped++;
    }
    droppedPending += dropped;
    return dropped;
  }

  /** Takes every waiting event. */
  List<Event> takePending() {
    if (pending == null || pending.isEmpty()) {
      return List.of();
    }
    List<Event> out = new ArrayList<>(pending.size());
    for (Kept kept : pending) {
      out.add(kept.event());
    }
    pending = null;
    pendingBytes = 0;
    return out;
  }

  /** The packed bytes of the waiting events, as estimated when they were kept. */
  long pendingBytes() {
    return pendingBytes;
  }

  /** Cancels both deadlines' timers: the client goes away. */
  void cancelTimers() {
    grace.cancel();
    pollTimeout.cancel();
  }

  /** Closes the resume cursor, if any: the client is forgotten. */
  void closeCursor() {
    if (resumeCursor != null) {
      resumeCursor.close();
      resumeCursor = null;
    }
  }

  @Override
  public String toString() {
    return transport + " client " + Logs.safe(clientId) + " of " + Logs.safe(userId);
  }
}
