package dev.sente.client.internal;

import dev.sente.client.CloseReason;
import dev.sente.client.ReplyErrorException;
import dev.sente.client.Transport;
import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.time.Cancellable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket session: the upgrade, the frames in both directions with one writer at a time, the
 * callback ids of requests, the answer to the server's pings and the client's own keep-alive ping
 * (see {@link KeepAlive}). Guarded by the client's lock; the wire's callbacks take it.
 */
final class WebSocketSession implements Session, Wire.SocketListener {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);
  private static final int NORMAL_CLOSURE = 1000;
  private static final long CLOSE_GRACE_MILLIS = 2000;

  private final SessionContext ctx;
  private final Protocol protocol;
  private final ArrayDeque<Packed> outbound = new ArrayDeque<>();
  private final Map<String, PendingRequest> waiting = new HashMap<>();
  private Wire.Socket socket;
  private boolean writing;
  private final Set<String> confirmPings = new HashSet<>();
  private boolean handshaken;
  private boolean closed;
  private Cancellable handshakeTimer = SessionContext.NONE;
  private final KeepAlive keepAlive;

  WebSocketSession(SessionContext ctx) {
    this.ctx = ctx;
    this.protocol = ctx.protocol();
    this.keepAlive = new KeepAlive(ctx, new Pinger());
  }

  @Override
  public Transport type() {
    return Transport.WEBSOCKET;
  }

  @Override
  public void start() {
    Optional<String> csrf = ctx.csrfToken();
    URI uri = Urls.webSocket(ctx.config(), csrf, ctx.resume().query());
    Duration timeout = ctx.config().connectTimeout();
    handshakeTimer =
        ctx.schedule(
            timeout.toMillis(),
            () ->
                closeWith(
                    CloseInfo.of(
                        CloseReason.UNEXPECTED,
                        "No handshake within " + timeout.toMillis() + " ms")));
    CompletableFuture<Wire.Socket> opening;
    try {
      opening =
          ctx.wire().openWebSocket(uri, Urls.headers(ctx.config(), false, csrf), timeout, this);
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete(
        (s, error) -> {
          synchronized (ctx.lock()) {
            opened(s, error);
          }
        });
  }

  private void opened(Wire.Socket s, Throwable error) {
    if (error != null) {
      Throwable cause = SessionContext.unwrap(error);
      if (cause instanceof Wire.UpgradeRejectedException rejected) {
        int status = rejected.status();
        CloseReason reason =
            status == 401 || status == 403 ? CloseReason.REJECTED : CloseReason.UNEXPECTED;
        closeWith(new CloseInfo(reason, OptionalInt.of(status), cause.getMessage()));
      } else {
        closeWith(CloseInfo.of(CloseReason.UNEXPECTED, SessionContext.describe(cause)));
      }
      return;
    }
    if (closed) {
      s.abort();
      return;
    }
    socket = s;
    pump();
  }

  @Override
  public boolean send(Event event, long cseq) {
    if (cseq <= 0) {
      return enqueue(protocol.clientEvent(event, null));
    }
    if (!enqueue(protocol.frame(protocol.eventValue(event), null, Map.of("cseq", cseq)))) {
      return false;
    }
    if (ctx.resume().outbox().wantsConfirmation()) {
      // the pong says what the server handled, so the outbox can forget it
      String id = newCallbackId();
      confirmPings.add(id);
      enqueue(protocol.clientEvent(Event.of(Protocol.WS_PING), id));
    }
    return true;
  }

  @Override
  public PendingRequest request(Event event, Duration timeout) {
    String id = newCallbackId();
    Packed frame = protocol.clientEvent(event, id);
    PendingRequest request = ctx.requests().start(this, event.id(), timeout);
    String cb = id;
    waiting.put(cb, request);
    request.onDone = () -> waiting.remove(cb);
    if (!enqueue(frame)) {
      ctx.requests().fail(request, new ReplyErrorException("Too many frames waiting to be sent"));
    }
    return request;
  }

  @Override
  public void close(CloseReason reason) {
    closeWith(CloseInfo.of(reason, ""));
  }

  // ---- the wire's callbacks

  @Override
  public void onText(String text) {
    synchronized (ctx.lock()) {
      if (!closed) {
        keepAlive.activity();
        receive(Packed.text(text));
      }
    }
  }

  @Override
  public void onBinary(byte[] bytes) {
    synchronized (ctx.lock()) {
      if (!closed) {
        keepAlive.activity();
        receive(Packed.binary(bytes));
      }
    }
  }

  @Override
  public void onClose(int code, String reason) {
    synchronized (ctx.lock()) {
      socket = null; // closed by the server: nothing to close on our side
      CloseReason why = code == NORMAL_CLOSURE ? CloseReason.CLEAN : CloseReason.UNEXPECTED;
      closeWith(new CloseInfo(why, OptionalInt.of(code), reason));
    }
  }

  @Override
  public void onError(Throwable error) {
    synchronized (ctx.lock()) {
      closeWith(CloseInfo.of(CloseReason.UNEXPECTED, SessionContext.describe(error)));
    }
  }

  // ---- incoming frames

  private void receive(Packed packed) {
    Protocol.Frame frame;
    Optional<Protocol.Handshake> handshake;
    try {
      frame = protocol.read(packed);
      handshake = protocol.readHandshake(frame.payload());
    } catch (PackException e) {
      LOG.warn("Dropped an unreadable frame from {}: {}", ctx.config().endpoint(), e.getMessage());
      return;
    }
    if (handshake.isPresent()) {
      if (!handshaken) {
        handshaken = true;
        handshakeTimer.cancel();
        keepAlive.start();
      }
      ctx.listener().onHandshake(this, handshake.get(), frame.meta());
    } else if (protocol.isKeyword(frame.payload(), Protocol.WS_PING)) {
      enqueue(protocol.clientEvent(Event.of(Protocol.WS_PONG), null));
      ctx.listener().onEvents(this, List.of(Event.of(Protocol.WS_PING)), null);
    } else if (frame.hasCallback()) {
      long confirmed = ctx.resume().confirmed(frame.meta());
      if (confirmed >= 0) {
        ctx.resume().outbox().confirmUpTo(confirmed); // a pong to a numbering client
      }
      reply(String.valueOf(frame.callback()), frame.payload());
    } else {
      ctx.listener().onEvents(this, Incoming.events(protocol, frame.payload()), frame.meta());
    }
  }

  private void reply(String callbackId, Object value) {
    if (keepAlive.isPingId(callbackId)) {
      keepAlive.answered();
      return;
    }
    if (confirmPings.remove(callbackId)) {
      return;
    }
    PendingRequest request = waiting.remove(callbackId);
    if (request == null) {
      LOG.debug("Dropped a reply to an unknown callback id {}", callbackId);
      return;
    }
    ctx.requests().resolve(request, value);
  }

  private String newCallbackId() {
    String id = Incoming.callbackId();
    while (waiting.containsKey(id) || keepAlive.isPingId(id) || confirmPings.contains(id)) {
      id = Incoming.callbackId();
    }
    return id;
  }

  /** The keep-alive's view of this session. */
  private final class Pinger implements KeepAlive.Link {
    @Override
    public boolean sendPing(String callbackId) {
      if (enqueue(protocol.clientEvent(Event.of(Protocol.WS_PING), callbackId))) {
        return true;
      }
      closeWith(CloseInfo.of(CloseReason.ERROR, "Could not send the keep-alive ping"));
      return false;
    }

    @Override
    public void pingTimedOut(long timeoutMillis) {
      closeWith(
          CloseInfo.of(
              CloseReason.PING_TIMEOUT,
              "No answer to the keep-alive ping within " + timeoutMillis + " ms"));
    }

    @Override
    public String newCallbackId() {
      return WebSocketSession.this.newCallbackId();
    }
  }

  // ---- outgoing frames: one send outstanding at a time, as java.net.http.WebSocket requires

  private boolean enqueue(Packed frame) {
    if (closed || outbound.size() >= ctx.config().maxQueuedFrames()) {
      return false;
    }
    outbound.add(frame);
    keepAlive.activity();
    pump();
    return true;
  }

  private void pump() {
    while (socket != null && !writing && !closed && !outbound.isEmpty()) {
      Packed frame = outbound.poll();
      writing = true;
      CompletableFuture<?> sent;
      try {
        sent =
            frame instanceof Packed.Text text
                ? socket.sendText(text.text())
                : socket.sendBinary(frame.bytes());
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (sent.isDone()) {
        writing = false;
        if (failure(sent) != null) {
          sendFailed(failure(sent));
          return;
        }
        continue;
      }
      sent.whenComplete(
          (ok, error) -> {
            synchronized (ctx.lock()) {
              writing = false;
              if (error != null) {
                sendFailed(error);
              } else {
                pump();
              }
            }
          });
    }
  }

  private void sendFailed(Throwable error) {
    closeWith(CloseInfo.of(CloseReason.ERROR, "Sending failed: " + SessionContext.describe(error)));
  }

  private static Throwable failure(CompletableFuture<?> done) {
    try {
      done.join();
      return null;
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  private void closeWith(CloseInfo info) {
    if (closed) {
      return;
    }
    closed = true;
    handshakeTimer.cancel();
    keepAlive.stop();
    outbound.clear();
    if (socket != null) {
      switch (info.reason()) {
        case REQUESTED_DISCONNECT, REQUESTED_RECONNECT, CLIENT_CLOSED -> {
          Wire.Socket closing = socket;
          closing.close(NORMAL_CLOSURE, "");
          ctx.scheduler().schedule(CLOSE_GRACE_MILLIS, closing::abort); // a peer that never acks
        }
        default -> socket.abort();
      }
      socket = null;
    }
    ctx.listener().onClosed(this, info);
  }
}
