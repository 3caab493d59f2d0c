package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import java.util.List;

/**
 * The delivery seam: hands one batch of pushes, packed once, to the clients of one user on this
 * node over one transport. Each transport implements it ({@link WebSocketTransport}, {@link
 * AjaxTransport}); the engine's batching windows call it, and so will whatever else comes to feed
 * the clients of this node (a delivery log, a cluster bus).
 *
 * <p>Never blocks and never throws for a user without clients or a closed channel: a client that
 * has no socket or poll right now keeps the events for its next one (bounded by {@code
 * maxPendingEvents} and {@code maxQueuedBytes}). Called outside the registry lock; it takes that
 * lock once to find the user's channels and writes to them after releasing it.
 */
interface LocalDelivery {

  /**
   * Delivers {@code events}, whose packed push frame is {@code packed}, to every client of {@code
   * userId} on this transport.
   */
  void deliver(String userId, List<Event> events, Packed packed);
}
