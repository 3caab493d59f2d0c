package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.concurrent.SerialExecutor;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What both transports do with an event from a client: decide the event the handlers get (one place
 * for the reserved ids), hand it to the {@link Dispatcher}, and pack the handler's reply.
 *
 * <p>Reserved ids: the {@code chsk} namespace is the protocol's. A client may send the keep-alive
 * {@code chsk/ws-ping} and {@code chsk/ws-pong} (handlers get them without data); any other
 * reserved id from a client ({@code chsk/uidport-open}, {@code chsk/handshake} ...) would look like
 * the server's own notification, so it is delivered as {@code chsk/bad-event} carrying the event as
 * sent, and logged by the transport (a few lines a minute).
 */
final class ClientInput {
  private final Protocol protocol;
  private final Dispatcher dispatcher;

  ClientInput(Protocol protocol, Dispatcher dispatcher) {
    this.protocol = protocol;
    this.dispatcher = dispatcher;
  }

  /**
   * The event the handlers get for a payload a client sent: its event; {@code chsk/bad-event} with
   * the payload when it is no event; the keep-alive {@code chsk/ws-ping} and {@code chsk/ws-pong}
   * without data; {@code chsk/bad-event} with the payload for any other reserved id, which is also
   * passed to {@code reserved} (to be logged).
   */
  Event clientEvent(Object payload, Consumer<String> reserved) {
    Optional<Event> read = protocol.readEvent(payload);
    if (read.isEmpty()) {
      return new Event(Protocol.BAD_EVENT, payload);
    }
    Event event = read.get();
    if (!event.isReserved()) {
      return event;
    }
    if (Protocol.WS_PING.equals(event.id()) || Protocol.WS_PONG.equals(event.id())) {
      return event.data() == null ? event : Event.of(event.id());
    }
    reserved.accept(event.id());
    return new Event(Protocol.BAD_EVENT, payload);
  }

  /** True when a handler (its own, or the catch-all) listens for the event id. */
  boolean isHandled(String eventId) {
    return dispatcher.isHandled(eventId);
  }

  void dispatch(Executor handlers, Message message) {
    dispatcher.dispatch(handlers, message);
  }

  /** Queues the message's handler unless the client's handler queue is full; false then. */
  boolean offer(SerialExecutor handlers, Message message) {
    return dispatcher.offer(handlers, message);
  }

  Packed packReply(Object value, Object callback) {
    if (value instanceof Message.KeywordReply keyword) {
      return protocol.keywordReply(keyword.name(), callback);
    }
    return protocol.reply(value, callback);
  }
}
