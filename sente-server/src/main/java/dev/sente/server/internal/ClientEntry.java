package dev.sente.server.internal;

import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.Logs;
import dev.sente.server.SenteRequest;
import dev.sente.server.Transport;
import dev.sente.server.spi.LongPollChannel;

/**
 * One client (a client id of a user) on one transport: its current WebSocket or held poll, its
 * cursor in the delivery log, its grace timer, and its handler order. Every field is guarded by the
 * {@link Registry}'s lock.
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
   * The client's place in its user's stream of the delivery log, which holds every push: set while
   * the client has a socket or poll or is in its grace period. WebSocket: the cursor of the
   * client's latest socket, kept across the grace period (the events pushed meanwhile wait in the
   * log for the next socket), closed when a newer socket replaces it. Ajax: one cursor for the
   * entry's life, read by each poll. Closed when the client is forgotten.
   */
  Cursor cursor;

  /** Whether the client was granted resume: its frames carry their numbers. */
  boolean resumes;

  /** The request of the latest socket or poll, for notifications. */
  SenteRequest request;

  /** While it has neither socket nor poll: when the client is forgotten. */
  final Deadline grace = new Deadline();

  /** While a poll is held: when it is answered with the timeout. */
  final Deadline pollTimeout = new Deadline();

  /** The timer tasks of the two deadlines, made once per client rather than on every poll. */
  Runnable graceTask;

  Runnable pollTask;

  ClientEntry(Transport transport, String userId, String clientId, SerialExecutor handlers) {
    this.transport = transport;
    this.userId = userId;
    this.clientId = clientId;
    this.handlers = handlers;
  }

  /** Cancels both deadlines' timers: the client goes away. */
  void cancelTimers() {
    grace.cancel();
    pollTimeout.cancel();
  }

  /** Closes the cursor, if any: the client is forgotten. */
  void closeCursor() {
    if (cursor != null) {
      cursor.close();
      cursor = null;
    }
  }

  @Override
  public String toString() {
    return transport + " client " + Logs.safe(clientId) + " of " + Logs.safe(userId);
  }
}
