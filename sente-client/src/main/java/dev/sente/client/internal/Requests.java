package dev.sente.client.internal;

import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Reply;
import dev.sente.client.ReplyErrorException;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.core.Protocol;
import dev.sente.core.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every request of one client that waits for its reply, with its timeout timer. Each request ends
 * exactly once: with a reply, a timeout, an error, or the connection's end. Guarded by the client's
 * lock.
 */
final class Requests {

  private final Object lock;
  private final Scheduler scheduler;
  private final Protocol protocol;
  private final Callbacks callbacks;
  private final Set<PendingRequest> pending = new LinkedHashSet<>();

  Requests(Object lock, Scheduler scheduler, Protocol protocol, Callbacks callbacks) {
    this.lock = lock;
    this.scheduler = scheduler;
    this.protocol = protocol;
    this.callbacks = callbacks;
  }

  /** Registers a request and arms its timeout. */
  PendingRequest start(Session session, String eventId, Duration timeout) {
    PendingRequest request = new PendingRequest(session, eventId, timeout);
    pending.add(request);
    request.timer =
        scheduler.schedule(
            timeout.toMillis(),
            () -> {
              synchronized (lock) {
                fail(
                    request,
                    new ReplyTimeoutException(
                        "No reply to " + eventId + " within " + timeout.toMillis() + " ms"));
              }
            });
    return request;
  }

  /**
   * Ends a request with the value the server replied: Sente's {@code chsk/timeout}, {@code
   * chsk/closed} and {@code chsk/error} become failures, anything else the reply.
   */
  void resolve(PendingRequest request, Object value) {
    if (protocol.isKeyword(value, Protocol.TIMEOUT)) {
      fail(
          request,
          new ReplyTimeoutException("The server timed out the reply to " + request.eventId));
    } else if (protocol.isKeyword(value, Protocol.CLOSED)) {
      fail(request, new ConnectionClosedException("The server reported the connection closed"));
    } else if (protocol.isKeyword(value, Protocol.ERROR)) {
      fail(
          request, new ReplyErrorException("The server answered chsk/error to " + request.eventId));
    } else if (finish(request)) {
      callbacks.complete(request.future, Reply.of(value, protocol.packer()));
    }
  }

  /** Ends a request with a failure, if it has not ended. */
  void fail(PendingRequest request, Throwable error) {
    if (finish(request)) {
      callbacks.fail(request.future, error);
    }
  }

  /** Fails every request of the session (all requests when the session is null). */
  void failAll(Session session, Supplier<Throwable> error) {
    for (PendingRequest request : new ArrayList<>(pending)) {
      if (session == null || request.session == session) {
        fail(request, error.get());
      }
    }
  }

  /** The number of requests waiting. */
  int size() {
    return pending.size();
  }

  private boolean finish(PendingRequest request) {
    if (request.done) {
      return false;
    }
    request.done = true;
    pending.remove(request);
    request.timer.cancel();
    request.onDone.run();
    return true;
  }
}
