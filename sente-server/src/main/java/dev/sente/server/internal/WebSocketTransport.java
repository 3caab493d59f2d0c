package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteRequest;
import dev.sente.server.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The WebSocket transport: registers each {@link WsConnection} as its client's socket (the
 * handshake first, then the events kept for it), dispatches the messages it receives, starts the
 * client's grace period when it closes, and delivers pushes to a user's sockets.
 */
final class WebSocketTransport implements LocalDelivery {
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
   * Registers an opened socket as its client's, then writes its handshake and the events kept for
   * it. The socket queues any push that reaches it meanwhile behind those frames, so none overtakes
   * the handshake, and nothing is written holding the registry lock.
   */
  void opened(WsConnection conn) {
    DeliveryLog log = engine.log();
    Cursor cursor = null;
    Object grant = null;
    if (conn.asksResume && log != null) {
      cursor = log.open(conn.userId, conn::drain);
      engine.ensureLogSweeps();
      grant = ResumeFrames.grant(ResumeFrames.place(cursor, conn.request));
      conn.resumeFrom(cursor);
    }
    Packed handshake = engine.requests().handshake(conn.userId, conn.request, grant);
    Cursor previous;
    WsConnection replaced;
    ClientEntry entry;
    List<Event> pending;
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
      pending = entry.takePending();
      replaced = entry.socket;
      entry.socket = conn;
      entry.request = conn.request;
      entry.grace.clear();
      previous = entry.resumeCursor;
      entry.resumeCursor = cursor;
      if (cursor != null) {
        pending = List.of(); // the log has them, after the client's cursor
      }
      change = registry.markConnected(entry);
      after = change == Registry.UserChange.NONE ? null : presence.snapshotIfListened();
    }
    List<Packed> opening;
    if (pending.isEmpty()) {
      opening = List.of(handshake);
    } else {
      List<PushFrames.Part> parts = pushFrames(pending, protocol.push(pending));
      opening = new ArrayList<>(1 + parts.size());
      opening.add(handshake);
      for (PushFrames.Part part : parts) {
        opening.add(part.frame());
      }
    }
    conn.start(opening);
    if (previous != null) {
      previous.close();
    }
    if (cursor != null) {
      conn.drain(); // usually a no-op: the handshake's write completing starts the drain
    }
    if (replaced != null && replaced != conn) {
      replaced.close(1000, "Replaced by a newer connection of the same client");
    }
    presence.usersChanged(change, entry, before, after);
  }

  /** The byte budget of one resume batch: a frame stays under {@code maxMessageBytes}. */
  long resumeBatchBytes() {
    return Math.max(1, config.maxMessageBytes() - ResumeFrames.META_BYTES);
  }

  /** A batch's frame, packed once for every socket of the user at the same cursor. */
  Packed resumeFrame(Cursor cursor, ReadResult.Batch batch) {
    return cursor.packed(batch, ResumeFrames.PUSH, b -> ResumeFrames.push(protocol, b));
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
        conn.sendControl(protocol.pong(callback));
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
    engine.input().dispatch(handlers, message(conn, event, reply));
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

  // ---- pushes

  @Override
  public void deliver(String userId, List<Event> events, Packed packed) {
    // one lock for all of the user's sockets; the writes happen after it is released
    List<ClientEntry> entries = new ArrayList<>(2);
    List<WsConnection> sockets = new ArrayList<>(2);
    boolean resumes = false;
    synchronized (registry) {
      for (ClientEntry entry : registry.clientsView(Transport.WEBSOCKET, userId)) {
        if (entry.resumeCursor != null) {
          resumes = true; // its socket, or its next one, reads the log
        } else if (entry.socket == null) {
          presence.keepPending(entry, events, WsConnection.weight(packed)); // in its grace
        } else {
          entries.add(entry);
          sockets.add(entry.socket);
        }
      }
    }
    DeliveryLog log = engine.log();
    if (log != null && (resumes || log.hasStream(userId))) {
      // once per user and batch; wakes the user's resume drains
      log.append(userId, events, sizes(events.size(), WsConnection.weight(packed)));
    }
    if (sockets.isEmpty()) {
      return;
    }
    if (events.size() < 2 || WsConnection.weight(packed) <= config.maxMessageBytes()) {
      for (int i = 0; i < sockets.size(); i++) { // one frame: the usual case
        if (!sockets.get(i).send(packed)) {
          synchronized (registry) {
            presence.keepPending(entries.get(i), events, WsConnection.weight(packed));
          }
        }
      }
      return;
    }
    List<PushFrames.Part> parts = pushFrames(events, packed);
    for (int i = 0; i < sockets.size(); i++) {
      WsConnection socket = sockets.get(i);
      for (int p = 0; p < parts.size(); p++) {
        if (!socket.send(parts.get(p).frame())) {
          List<Event> unsent = new ArrayList<>();
          long unsentBytes = 0;
          for (int q = p; q < parts.size(); q++) {
            unsent.addAll(parts.get(q).events());
            unsentBytes += WsConnection.weight(parts.get(q).frame());
          }
          synchronized (registry) {
            presence.keepPending(entries.get(i), unsent, unsentBytes);
          }
          break;
        }
      }
    }
  }

  /** Each event's share of its batch's packed size, for the log's byte bounds. */
  private static int[] sizes(int count, long packedBytes) {
    int[] sizes = new int[count];
    long each = packedBytes / count;
    int share = (int) Math.min(Integer.MAX_VALUE, each);
    java.util.Arrays.fill(sizes, share);
    sizes[count - 1] = (int) Math.min(Integer.MAX_VALUE, packedBytes - each * (count - 1));
    return sizes;
  }

  /** A batch as WebSocket frames of at most {@code maxMessageBytes} each. */
  private List<PushFrames.Part> pushFrames(List<Event> events, Packed whole) {
    return PushFrames.split(protocol, events, whole, config.maxMessageBytes());
  }
}
