package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packer;
import dev.sente.core.internal.Logs;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteRequest;
import dev.sente.server.Transport;
import java.lang.reflect.Type;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** One event as a handler sees it. The reply sink runs at most once. */
final class Message implements EventMessage {
  private final Event event;
  private final String userId;
  private final String clientId;
  private final SenteRequest request;
  private final Transport transport;
  private final Packer packer;
  private final Predicate<Object> replySink;
  private final AtomicBoolean replied = new AtomicBoolean();

  /** A message; {@code replySink} is null when the client wants no reply. */
  Message(
      Event event,
      String userId,
      String clientId,
      SenteRequest request,
      Transport transport,
      Packer packer,
      Predicate<Object> replySink) {
    this.event = event;
    this.userId = userId;
    this.clientId = clientId;
    this.request = request;
    this.transport = transport;
    this.packer = packer;
    this.replySink = replySink;
  }

  /** In a cluster, the claim of a numbered event: its handler runs only if it is this node's. */
  private volatile java.util.concurrent.CompletableFuture<Boolean> claim;

  /** Runs the handler only if the claim says true (or fails: then this node decides). */
  void gateOn(java.util.concurrent.CompletableFuture<Boolean> claim) {
    this.claim = claim;
  }

  /**
   * Whether the handler should run: true without a claim, and when the cluster could not say; waits
   * for the claim (one Redis round trip, at most its command timeout) on the handler thread.
   */
  boolean claimed() {
    java.util.concurrent.CompletableFuture<Boolean> c = claim;
    if (c == null) {
      return true;
    }
    try {
      return c.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  @Override
  public Event event() {
    return event;
  }

  @Override
  public <T> T data(Class<T> type) {
    return event.data() == null ? null : packer.convert(event.data(), type);
  }

  @Override
  public <T> T data(Type type) {
    return event.data() == null ? null : packer.convert(event.data(), type);
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public SenteRequest request() {
    return request;
  }

  @Override
  public Transport transport() {
    return transport;
  }

  @Override
  public boolean wantsReply() {
    return replySink != null;
  }

  @Override
  public boolean reply(Object value) {
    if (replySink == null || !replied.compareAndSet(false, true)) {
      return false;
    }
    try {
      return replySink.test(value);
    } catch (RuntimeException e) {
      replied.set(false); // e.g. an unpackable value: the error reply can still go out
      throw e;
    }
  }

  /** Replies with a protocol keyword (chsk/error) when nothing was replied yet. */
  void replyKeywordIfUnanswered(String keyword) {
    if (replySink != null && replied.compareAndSet(false, true)) {
      replySink.test(new KeywordReply(keyword));
    }
  }

  /** A reply whose value is a protocol keyword, packed by the transport. */
  record KeywordReply(String name) {}

  @Override
  public String toString() {
    return "EventMessage["
        + Logs.safe(event.id())
        + " from "
        + Logs.safe(userId)
        + "/"
        + Logs.safe(clientId)
        + "]";
  }
}
