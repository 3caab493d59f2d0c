package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteRequest;
import dev.sente.server.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport: registers each {@link WsConnection} as its client's socket (the
 * handshake first; then the socket drains its cursor in the delivery log), dispatches the messages
 * it receives, and starts the client's grace period when it closes.
 */
final class WebSocketTransport {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketTransport.class);
  private final Engine engine;
  private final Registry registry;
  private final Presence presence;
  private final Protocol protocol;
  private final SenteConfig config;

  WebSocketTransport(Engine engine, Registry registry, Presence presence) {
    this.engine = engine;
    this.registry = registry;
    this.presence = presence;
    this.protocol = engine.protocol();
    this.config = engine.config();
  }

  Engine engine() {
    return engine;
  }

  /** The listener for an upgraded request. */
  WsConnection connection(String userId, String clientId, SenteRequest request) {
    return new WsConnection(
        this, userId, clientId, request, config.maxQueuedFrames(), config.maxQueuedBytes());
  }

  /**
   * Registers an opened socket as its client's and writes its handshake; the socket is then a drain
   * of its cursor in the delivery log (a new cursor for every socket, placed before the handshake):
   * a resume client's where its URL says, a plain client's where the client's previous socket left
   * off (so what was pushed during the grace period follows the handshake), or at the stream's end
   * for a new client. No push can overtake the handshake (the drain writes only after it), and
   * nothing is written holding the registry lock.
   */
  void opened(WsConnection conn) {
    DeliveryLog log = engine.log();
    boolean resumes = conn.asksResume && config.resume();
    Cursor earlier = null;
    if (!resumes) {
      synchronized (registry) {
        ClientEntry known = registry.find(Transport.WEBSOCKET, conn.userId, conn.clientId);
        earlier = known == null ? null : known.cursor;
      }
    }
    Cursor pin = engine.pinShared(conn.userId, conn.request, resumes);
    Cursor cursor = log.open(conn.userId, conn::drain, resumes);
    if (pin != null) {
      pin.close();
    }
    Map<String, Object> grant = null;
    if (resumes) {
      engine.ensureLogSweeps(); // a retained window must age out even when nobody touches it
      grant = ResumeFrames.grant(ResumeFrames.place(cursor, conn.request));
      conn.sequence = engine.sequences().attach(conn.userId, conn.clientId, conn.request, grant);
    } else if (earlier != null && !earlier.isClosed()) {
      cursor.resume(earlier.epoch(), earlier.sent()); // the plain client's place, if still kept
    }
    conn.resumeFrom(cursor, resumes);
    Packed handshake = engine.requests().handshake(conn.userId, conn.request, grant);
    Cursor previous;
    WsConnection replaced;
    ClientEntry entry;
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      before = presence.snapshotIfListened();
      entry =
          registry.findOrCreate(
              Transport.WEBSOCKET,
              conn.userId,
              conn.clientId,
              () ->
                  new ClientEntry(
                      Transport.WEBSOCKET, conn.userId, conn.clientId, engine.serialExecutor()));
      // registered before the client can see the handshake and act on it
      conn.handlers = entry.handlers;
      replaced = entry.socket;
      entry.socket = conn;
      entry.request = conn.request;
      entry.grace.clear();
      previous = entry.cursor;
      entry.cursor = cursor;
      entry.resumes = resumes;
      change = registry.markConnected(entry);
      after = change == Registry.UserChange.NONE ? null : presence.snapshotIfListened();
    }
    conn.start(List.of(handshake));
    if (previous != null && previous != cursor) {
      previous.close();
    }
    conn.drain(); // usually a no-op: the handshake's write completing starts the drain
    if (replaced != null && replaced != conn) {
      replaced.close(1000, "Replaced by a newer connection of the same client");
    }
    presence.usersChanged(change, entry, before, after);
  }

  /**
   * The byte budget of one batch: its frame (with the numbers of resume) stays under {@code
   * maxMessageBytes}.
   */
  long batchBytes(boolean numbered) {
    return numbered
        ? Math.max(1, config.maxMessageBytes() - ResumeFrames.META_BYTES)
        : config.maxMessageBytes();
  }

  /**
   * A batch's frame, packed once for every socket of the user at the same cursor: with its numbers
   * for a resume socket, the plain push frame otherwise (usually the one packed when the batch was
   * appended).
   */
  Packed pushFrame(Cursor cursor, ReadResult.Batch batch, boolean numbered) {
    if (numbered) {
      return cursor.packed(batch, ResumeFrames.PUSH, b -> ResumeFrames.push(protocol, b));
    }
    return cursor.packed(batch, ResumeFrames.PLAIN, b -> protocol.push(b.events()));
  }

  void message(WsConnection conn, Packed packed) {
    Protocol.Frame frame;
    try {
      frame = protocol.read(packed);
    } catch (PackException e) {
      conn.warnBadInput("Dropped a malformed frame", e.getMessage());
      return;
    }
    if (conn.handlers == null) {
      return; // not registered yet: cannot happen once the handshake went out
    }
    // the client's handler queue, no registry lock on the per-message path; a full queue pauses
    // reading from the socket (flow control) until it drains
    Executor handlers = conn.inbound;
    Object callback = frame.callback();
    Event event =
        engine
            .input()
            .clientEvent(
                frame.payload(),
                id -> conn.warnBadInput("Reserved event id (delivered as chsk/bad-event)", id));
    if (Protocol.WS_PING.equals(event.id())) {
      if (callback != null) {
        ClientSequences.Seq seq = conn.sequence;
        // a numbering client learns from every pong what was handled, and forgets it
        conn.sendControl(
            seq == null
                ? protocol.pong(callback)
                : protocol.pong(callback, Map.of("cseq", seq.handled())));
      }
      notify(handlers, event, conn);
      return;
    }
    if (Protocol.WS_PONG.equals(event.id())) {
      notify(handlers, event, conn);
      return;
    }
    Predicate<Object> reply =
        callback == null ? null : value -> conn.send(engine.input().packReply(value, callback));
    Message message = message(conn, event, reply);
    ClientSequences.Seq seq = conn.sequence;
    long cseq = seq == null || callback != null ? -1 : numberOf(conn, frame.meta());
    if (cseq < 0) {
      engine.input().dispatch(handlers, message);
      return;
    }
    java.util.concurrent.CompletableFuture<Boolean> claim =
        engine.claim(conn.userId, conn.clientId, seq.epoch, cseq);
    if (claim != null) {
      // in a cluster: the event takes its turn here as on one node (order, flow control), and its
      // handler runs only if the cluster gives it to this node: one handled on another node (the
      // socket was there before, and the client sends again what was not confirmed) is not
      // handled again
      message.gateOn(claim);
    }
    ClientSequences.Outcome outcome = seq.accept(cseq, message, sinkOf(conn));
    if (outcome == ClientSequences.Outcome.DUPLICATE && LOG.isDebugEnabled()) {
      LOG.debug("Dropped event {} of client {}: handled before", cseq, safe(conn.clientId));
    }
  }

  /** The {@code cseq} in a frame's meta, or -1 without one (or with a bad one, logged). */
  private long numberOf(WsConnection conn, Object meta) {
    if (!(meta instanceof Map<?, ?> map)) {
      return -1;
    }
    Object value = map.get("cseq");
    if (value == null) {
      value = map.get(protocol.keyword("cseq"));
    }
    if (value == null) {
      return -1;
    }
    long cseq = ClientSequences.number(value);
    if (cseq < 0) {
      conn.warnBadInput("Handled an event with an unreadable cseq as unnumbered", value);
    }
    return cseq;
  }

  /** A socket's events go through its flow control, or straight to its queue once held. */
  private ClientSequences.Sink sinkOf(WsConnection conn) {
    return new ClientSequences.Sink() {
      @Override
      public boolean offer(Message message) {
        engine.input().dispatch(conn.inbound, message);
        return true;
      }

      @Override
      public void force(Message message) {
        engine.input().dispatch(conn.handlers, message);
      }
    };
  }

  private Message message(WsConnection conn, Event event, Predicate<Object> reply) {
    return new Message(
        event,
        conn.userId,
        conn.clientId,
        conn.request,
        Transport.WEBSOCKET,
        protocol.packer(),
        reply);
  }

  /** A keep-alive notification, dispatched only when a handler listens for it. */
  private void notify(Executor handlers, Event event, WsConnection conn) {
    if (!engine.input().isHandled(event.id())) {
      return; // no thread hop for the ping-pong of every idle socket nobody listens to
    }
    engine.input().dispatch(handlers, message(conn, event, null));
  }

  void closed(WsConnection conn) {
    synchronized (registry) {
      ClientEntry entry = registry.find(Transport.WEBSOCKET, conn.userId, conn.clientId);
      if (entry == null || entry.socket != conn) {
        return;
      }
      entry.socket = null;
      if (!engine.isClosed()) {
        presence.armGrace(entry, config.webSocketGraceMillis());
      }
    }
  }

  /** Closes the client's socket, if it has one; true then. */
  boolean close(ClientEntry entry, int code, String reason) {
    WsConnection socket;
    synchronized (registry) {
      socket = entry.socket;
    }
    if (socket == null) {
      return false;
    }
    socket.close(code, reason);
    return true;
  }

  /** Closes every socket of the user with 1000; returns how many. */
  int disconnect(String userId) {
    return registry.forEachClient(
        Transport.WEBSOCKET, userId, entry -> close(entry, 1000, "Closed by server"));
  }
}
