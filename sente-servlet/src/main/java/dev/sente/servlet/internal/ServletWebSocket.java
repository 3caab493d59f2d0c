package dev.sente.servlet.internal;

import dev.sente.core.Packed;
import dev.sente.core.SenteException;
import dev.sente.server.spi.CloseReasons;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket, both ways: a Jakarta WebSocket {@link Endpoint} and the engine's {@link
 * WebSocketChannel}. Messages arrive in parts (the container's buffer stays small) and are
 * collected here up to the limit: the part that takes a message past it closes the socket with
 * 1009, so no message over the limit is ever held whole. The listener's {@code onClose} runs once,
 * also when the upgrade fails before the socket opened. Pausing and dropping are the container's
 * ({@link SocketControl}).
 *
 * <p>A close asked for while a frame is being written waits for that write (the close frame would
 * queue behind it anyway); if the write has not finished after {@link
 * SocketControl#CLOSE_TIMEOUT_MILLIS} the connection is dropped.
 */
final class ServletWebSocket extends Endpoint implements WebSocketChannel {

  private final WebSocketListener listener;
  private final long maxMessageBytes;
  private final long idleTimeoutMillis;
  private final ScheduledExecutorService timers;
  private final AtomicBoolean closeNotified = new AtomicBoolean();
  private volatile boolean closing; // the container reported the close: deliver nothing more
  private volatile Session session;
  private volatile SocketControl control;

  // the message being collected, on the delivering thread only
  private final StringBuilder text = new StringBuilder();
  private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
  private long messageBytes;
  private boolean tooBig;

  private final Object writeLock = new Object();
  private boolean writing; // guarded by writeLock
  private boolean closeAsked; // guarded by writeLock
  private Integer deferredCode; // guarded by writeLock: a close waiting for the write in flight
  private String deferredReason; // guarded by writeLock

  ServletWebSocket(
      WebSocketListener listener,
      long maxMessageBytes,
      long idleTimeoutMillis,
      ScheduledExecutorService timers) {
    this.listener = listener;
    this.maxMessageBytes = maxMessageBytes;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.timers = timers;
  }

  // ---- the container's side ----

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.setMaxIdleTimeout(idleTimeoutMillis);
    this.control = SocketControl.of(session);
    this.session = session;
    session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
    session.addMessageHandler(
        ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
    deliver(() -> listener.onOpen(this));
  }

  private void onText(String part, boolean last) {
    if (tooBig || !fits(Utf8.length(part))) {
      return;
    }
    if (!last) {
      text.append(part);
      return;
    }
    String message = text.length() == 0 ? part : text.append(part).toString();
    text.setLength(0);
    messageBytes = 0;
    deliver(() -> listener.onMessage(Packed.text(message)));
  }

  private void onBinary(ByteBuffer part, boolean last) {
    if (tooBig || !fits(part.remaining())) {
      return;
    }
    byte[] bytes = new byte[part.remaining()];
    part.get(bytes);
    binary.write(bytes, 0, bytes.length);
    if (last) {
      byte[] message = binary.toByteArray();
      binary.reset();
      messageBytes = 0;
      deliver(() -> listener.onMessage(Packed.binary(message)));
    }
  }

  /** Counts a part; closes with 1009 (and ignores the rest of the input) when over the limit. */
  private boolean fits(long partBytes) {
    messageBytes += partBytes;
    if (messageBytes <= maxMessageBytes) {
      return true;
    }
    tooBig = true;
    text.setLength(0);
    binary.reset();
    close(1009, "Message larger than " + maxMessageBytes + " bytes");
    return false;
  }

  private void deliver(Runnable delivery) {
    if (closing || closeNotified.get()) {
      // Tomcat reports the close once its close frame is out, and may read on until the peer's
      return;
    }
    try {
      delivery.run();
    } finally {
      control.delivered();
    }
  }

  @Override
  public void onClose(Session session, CloseReason reason) {
    closing = true; // before a delivery held by a pause returns and Tomcat reads on
    SocketControl c = control;
    if (c != null) {
      c.closed();
    }
    synchronized (writeLock) {
      deferredCode = null;
    }
    notifyClose(reason.getCloseCode().getCode(), reason.getReasonPhrase());
  }

  @Override
  public void onError(Session session, Throwable cause) {
    if (!closeNotified.get()) {
      listener.onError(cause);
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
    synchronized (writeLock) {
      writing = true;
    }
    SendHandler done =
        result -> {
          synchronized (writeLock) {
            writing = false;
          }
          if (result.isOK()) {
            callback.succeeded();
          } else {
            callback.failed(result.getException());
          }
          closeIfDeferred();
        };
    try {
      if (frame instanceof Packed.Text t) {
        s.getAsyncRemote().sendText(t.text(), done);
      } else {
        s.getAsyncRemote().sendBinary(ByteBuffer.wrap(frame.bytes()), done);
      }
    } catch (RuntimeException e) {
      synchronized (writeLock) {
        writing = false;
      }
      callback.failed(e);
    }
  }

  /** Called by the engine only during a delivery (see {@link WebSocketChannel}). */
  @Override
  public void pauseReading() {
    control.pause();
  }

  @Override
  public void resumeReading() {
    SocketControl c = control;
    if (c != null) {
      c.resume();
    }
  }

  /** Cuts the connection now: the peer does not read, so a close frame would never reach it. */
  @Override
  public void disconnect() {
    SocketControl c = control;
    if (c != null) {
      synchronized (writeLock) {
        deferredCode = null;
      }
      c.disconnect();
    }
  }

  @Override
  public void close(int code, String reason) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      return;
    }
    boolean deferred;
    synchronized (writeLock) {
      if (closeAsked) {
        return;
      }
      closeAsked = true;
      deferred = writing;
      if (deferred) {
        deferredCode = code;
        deferredReason = reason;
      }
    }
    if (!deferred) {
      closeNow(s, code, reason);
      return;
    }
    try {
      timers.schedule(
          this::dropIfStillDeferred, SocketControl.CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      disconnect();
    }
  }

  private void closeIfDeferred() {
    int code;
    String reason;
    synchronized (writeLock) {
      if (deferredCode == null || writing) {
        return;
      }
      code = deferredCode;
      reason = deferredReason;
      deferredCode = null;
    }
    closeNow(session, code, reason);
  }

  private void dropIfStillDeferred() {
    boolean drop;
    synchronized (writeLock) {
      drop = deferredCode != null;
    }
    if (drop) {
      disconnect();
    }
  }

  private void closeNow(Session s, int code, String reason) {
    try {
      s.close(new CloseReason(closeCode(code), CloseReasons.fit(reason)));
    } catch (IOException | RuntimeException e) {
      disconnect();
    }
  }

  private static CloseReason.CloseCode closeCode(int code) {
    try {
      return CloseReason.CloseCodes.getCloseCode(code);
    } catch (IllegalArgumentException e) {
      return CloseReason.CloseCodes.UNEXPECTED_CONDITION;
    }
  }
}
