package dev.sente.jetty.internal;

import dev.sente.core.Packed;
import dev.sente.core.SenteException;
import dev.sente.server.spi.CloseReasons;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket, both ways: Jetty's endpoint (a {@link Session.Listener} with explicit demand) and
 * the engine's {@link WebSocketChannel}. Jetty delivers whole messages in order, one at a time;
 * this forwards them to the {@link WebSocketListener} and makes sure its {@code onClose} runs
 * exactly once, also when the upgrade fails before the socket opened.
 *
 * <p>Flow control: the next frame is demanded from Jetty only after a delivery returned, unless the
 * engine paused reading during it ({@link #pauseReading}); then the demand waits for {@link
 * #resumeReading}, and Jetty reads nothing from the connection meanwhile (the peer's writes block
 * on TCP backpressure). Pings are answered here, and count as deliveries for the demand.
 *
 * <p>Public only because Jetty binds the listener methods through method handles; not an API.
 */
public final class JettyWebSocket implements Session.Listener, WebSocketChannel {

  /**
   * How long a close may take before the connection is cut: a client that stopped reading never
   * gets the close frame (it waits behind the frames it does not read), a dead one never answers.
   */
  static final long CLOSE_TIMEOUT_MILLIS = 3000;

  private final WebSocketListener listener;
  private final long maxMessageBytes;
  private final Duration idleTimeout;
  private final Scheduler scheduler;
  private final AtomicBoolean closeNotified = new AtomicBoolean();
  private volatile Session session;

  // the demand state: a delivery in progress (maybe paused during it), or between deliveries
  // with a demand outstanding (reading) or without (paused)
  private static final int READING = 0;
  private static final int DELIVERING = 1;
  private static final int DELIVERING_PAUSED = 2;
  private static final int PAUSED = 3;
  private final AtomicInteger flow = new AtomicInteger(DELIVERING);

  JettyWebSocket(
      WebSocketListener listener, long maxMessageBytes, Duration idleTimeout, Scheduler scheduler) {
    this.listener = listener;
    this.scheduler = scheduler;
    this.maxMessageBytes = maxMessageBytes;
    this.idleTimeout = idleTimeout;
  }

  // ---- Jetty's side ----

  @Override
  public void onWebSocketOpen(Session session) {
    session.setMaxTextMessageSize(maxMessageBytes);
    session.setMaxBinaryMessageSize(maxMessageBytes);
    session.setMaxFrameSize(maxMessageBytes);
    session.setIdleTimeout(idleTimeout);
    this.session = session;
    if (closeNotified.get()) {
      session.close(1011, "closed before open", Callback.NOOP);
      return;
    }
    flow.set(DELIVERING);
    try {
      listener.onOpen(this);
    } finally {
      delivered();
    }
  }

  @Override
  public void onWebSocketText(String message) {
    flow.set(DELIVERING);
    try {
      listener.onMessage(Packed.text(message));
    } finally {
      delivered();
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    callback.succeed();
    flow.set(DELIVERING);
    try {
      listener.onMessage(Packed.binary(bytes));
    } finally {
      delivered();
    }
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    flow.set(DELIVERING);
    try {
      Session s = session;
      if (s != null) {
        s.sendPong(payload, Callback.NOOP);
      }
    } finally {
      delivered();
    }
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    flow.set(DELIVERING);
    delivered();
  }

  /** A delivery returned: demand the next frame unless the engine paused reading during it. */
  private void delivered() {
    while (true) {
      int state = flow.get();
      if (state == DELIVERING && flow.compareAndSet(DELIVERING, READING)) {
        demand();
        return;
      }
      if (state == DELIVERING_PAUSED && flow.compareAndSet(DELIVERING_PAUSED, PAUSED)) {
        return;
      }
      if (state != DELIVERING && state != DELIVERING_PAUSED) {
        return; // cannot happen: only a delivery ends a delivery
      }
    }
  }

  private void demand() {
    Session s = session;
    if (s != null && s.isOpen()) {
      try {
        s.demand();
      } catch (RuntimeException closing) {
        // the session closed meanwhile; its close is reported by Jetty
      }
    }
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    if (!closeNotified.get()) {
      listener.onError(cause);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    try {
      notifyClose(statusCode, reason);
    } finally {
      callback.succeed();
    }
  }

  /** The upgrade failed before the socket opened: the listener hears a close all the same. */
  void upgradeFailed(Throwable cause) {
    if (session == null) {
      notifyClose(1006, "WebSocket upgrade failed: " + cause.getMessage());
    }
  }

  private void notifyClose(int code, String reason) {
    if (closeNotified.compareAndSet(false, true)) {
      listener.onClose(code, reason == null ? "" : reason);
    }
  }

  // ---- the engine's side ----

  @Override
  public boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen() && !closeNotified.get();
  }

  @Override
  public void send(Packed frame, WriteCallback callback) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      callback.failed(new SenteException("The WebSocket is closed"));
      return;
    }
    Callback done = Callback.from(callback::succeeded, callback::failed);
    if (frame instanceof Packed.Text text) {
      s.sendText(text.text(), done);
    } else {
      s.sendBinary(ByteBuffer.wrap(frame.bytes()), done);
    }
  }

  /** Called by the engine only during a delivery (see {@link WebSocketChannel}). */
  @Override
  public void pauseReading() {
    flow.compareAndSet(DELIVERING, DELIVERING_PAUSED);
  }

  @Override
  public void resumeReading() {
    while (true) {
      int state = flow.get();
      if (state == DELIVERING_PAUSED) {
        if (flow.compareAndSet(DELIVERING_PAUSED, DELIVERING)) {
          return; // the delivery's end demands
        }
      } else if (state == PAUSED) {
        if (flow.compareAndSet(PAUSED, READING)) {
          demand();
          return;
        }
      } else {
        return;
      }
    }
  }

  /** Cuts the connection now: the peer does not read, so a close frame would never reach it. */
  @Override
  public void disconnect() {
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }

  /** Starts the close handshake; cuts the connection if it has not closed within the timeout. */
  @Override
  public void close(int code, String reason) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.close(code, CloseReasons.fit(reason), Callback.NOOP);
      try {
        scheduler.schedule(
            () -> {
              if (!closeNotified.get()) {
                s.disconnect();
              }
            },
            CLOSE_TIMEOUT_MILLIS,
            TimeUnit.MILLISECONDS);
      } catch (RuntimeException stopping) {
        s.disconnect();
      }
    }
  }
}
