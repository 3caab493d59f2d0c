package dev.sente.client.internal;

import dev.sente.client.Reply;
import dev.sente.core.time.Cancellable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** One request waiting for its reply; guarded by the client's lock. See {@link Requests}. */
final class PendingRequest {

  final Session session;
  final String eventId;
  final Duration timeout;
  final CompletableFuture<Reply> future = new CompletableFuture<>();
  Cancellable timer = SessionContext.NONE;
  Runnable onDone = () -> {};
  boolean done;

  PendingRequest(Session session, String eventId, Duration timeout) {
    this.session = session;
    this.eventId = eventId;
    this.timeout = timeout;
  }

  /** The future the application gets: completing it cannot touch ours. */
  CompletableFuture<Reply> publicFuture() {
    return future.copy();
  }
}
