package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Cancellable;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket: its single-writer outbound queue and its keep-alive. Frames are written one at a
 * time (the next only after the previous write completed); when more than {@code maxQueued} wait,
 * the client is too slow and the socket is closed with 1008, since a queue that grows without bound
 * would take the server's memory.
 *
 * <p>Bad input from its client (malformed frames, reserved ids) is logged a few lines a minute; the
 * rest is counted and the count logged when the socket closes.
 */
final class WsConnection implements WebSocketListener {
  /** Close code for a slow consumer. */
  static final int CLOSE_POLICY = 1008;

  /**
   * Close code for a client that did not answer the server's ping: 1001, as for Jetty's own idle
   * timeout, not 1000, so that a client still reading reports an unexpected close and reconnects.
   */
  static final int CLOSE_PING_TIMEOUT = 1001;

  private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

  final String userId;
  final String clientId;
  final SenteRequest request;
  private final Engine engine;
  private ArrayDeque<Packed> queue; // created by the first frame that has to wait
  private final int maxQueued;

  /** The handler order of this socket's client, set when the socket is registered. */
  volatile java.util.concurrent.Executor handlers;

  private WebSocketChannel channel;
  private boolean writing;
  private boolean closed;
  private boolean closing;
  private volatile long lastActivity;
  private volatile long received;
  private long receivedAtPing;
  private Cancellable keepAliveTimer;
  private LogLimiter inputLog; // created by the first bad input

  WsConnection(Engine engine, String userId, String clientId, SenteRequest request, int maxQueued) {
    this.engine = engine;
    this.userId = userId;
    this.clientId = clientId;
    this.request = request;
    this.maxQueued = maxQueued;
  }

  @Override
  public void onOpen(WebSocketChannel channel) {
    synchronized (this) {
      this.channel = channel;
      lastActivity = engine.now();
    }
    engine.webSocketOpened(this);
    scheduleKeepAlive();
  }

  @Override
  public void onMessage(Packed message) {
    lastActivity = engine.now();
    received++;
    engine.webSocketMessage(this, message);
  }

  @Override
  public void onClose(int code, String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue = null;
      if (keepAliveTimer != null) {
        keepAliveTimer.cancel();
      }
    }
    LogLimiter limiter = inputLog();
    long suppressed = limiter == null ? 0 : limiter.drainSuppressed();
    if (suppressed > 0) {
      LOG.warn(
          "{} more malformed or reserved-id frames from client {} (user {}) were not logged",
          suppressed,
          safe(clientId),
          safe(userId));
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("WebSocket of {} closed: {} {}", safe(clientId), code, safe(reason));
    }
    engine.webSocketClosed(this);
  }

  @Override
  public void onError(Throwable cause) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("WebSocket error for client {}: {}", safe(clientId), safe(cause));
    }
  }

  private synchronized LogLimiter inputLog() {
    return inputLog;
  }

  /**
   * Logs bad input from this socket's client (what it was, and a detail such as the parser's
   * message), escaped; a few lines a minute, the rest counted for the close.
   */
  void warnBadInput(String what, Object detail) {
    LogLimiter limiter;
    synchronized (this) {
      if (inputLog == null) {
        inputLog = LogLimiter.perMinute(engine::now);
      }
      limiter = inputLog;
    }
    long skipped = limiter.acquire();
    if (skipped >= 0) {
      LOG.warn(
          "{} from client {} (user {}): {}{}",
          what,
          safe(clientId),
          safe(userId),
          safe(detail),
          LogLimiter.note(skipped));
    }
  }

  synchronized boolean isOpen() {
    return !closed && channel != null && channel.isOpen();
  }

  /** Queues a frame; false when the socket is closed or was just closed as a slow consumer. */
  boolean send(Packed frame) {
    WebSocketChannel target;
    synchronized (this) {
      if (closed || closing || channel == null) {
        return false;
      }
      if (writing) {
        if (queue == null) {
          queue = new ArrayDeque<>(4);
        }
        if (queue.size() >= maxQueued) {
          LOG.warn(
              "Closing WebSocket of client {} (user {}): {} frames queued, client too slow",
              safe(clientId),
              safe(userId),
              queue.size());
          queue = null;
          closing = true;
          channel.close(CLOSE_POLICY, "Outbound queue full");
          return false;
        }
        queue.add(frame);
        return true;
      }
      writing = true;
      target = channel;
    }
    write(target, frame);
    return true;
  }

  private void write(WebSocketChannel target, Packed frame) {
    target.send(
        frame,
        new WebSocketChannel.WriteCallback() {
          @Override
          public void succeeded() {
            writeNext();
          }

          @Override
          public void failed(Throwable cause) {
            if (LOG.isDebugEnabled()) {
              LOG.debug("Write to client {} failed: {}", safe(clientId), safe(cause));
            }
            synchronized (WsConnection.this) {
              writing = false;
              queue = null;
            }
            close(1011, "Write failed");
          }
        });
  }

  private void writeNext() {
    Packed next;
    WebSocketChannel target;
    synchronized (this) {
      next = queue == null ? null : queue.poll();
      if (next == null || closed) {
        writing = false;
        return;
      }
      target = channel;
    }
    write(target, next);
  }

  void close(int code, String reason) {
    WebSocketChannel target;
    synchronized (this) {
      target = channel;
    }
    if (target != null) {
      target.close(code, reason);
    }
  }

  // ---- keep-alive: every keepAlive/2, a socket that received nothing in that window is pinged;
  // if it still receives nothing within the ping timeout, it is closed. Unlike Sente, pushes do
  // not count as activity: writes to a half-open TCP connection succeed, so they prove nothing.

  private void scheduleKeepAlive() {
    long window = Math.max(1, engine.config().keepAliveMillis() / 2);
    synchronized (this) {
      if (!closed) {
        keepAliveTimer = engine.scheduler().schedule(window, this::checkIdle);
      }
    }
  }

  private void checkIdle() {
    long window = Math.max(1, engine.config().keepAliveMillis() / 2);
    long now = engine.now();
    if (now - lastActivity < window) {
      scheduleKeepAlive();
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      receivedAtPing = received;
      keepAliveTimer =
          engine.scheduler().schedule(engine.config().pingTimeoutMillis(), this::checkPong);
    }
    send(engine.serverPing());
  }

  private void checkPong() {
    long before;
    synchronized (this) {
      if (closed) {
        return;
      }
      before = receivedAtPing;
    }
    if (received != before) {
      scheduleKeepAlive();
      return;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("Client {} did not answer the ping: closing", safe(clientId));
    }
    close(CLOSE_PING_TIMEOUT, "Ping timeout");
    // a half-open socket may never report its close: forget it now
    onClose(1006, "Ping timeout");
  }

  @Override
  public String toString() {
    return "WebSocket of client " + safe(clientId) + " (user " + safe(userId) + ")";
  }
}
