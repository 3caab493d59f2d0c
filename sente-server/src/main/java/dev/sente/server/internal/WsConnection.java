package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Cancellable;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket: its single-writer outbound queue, its keep-alive and the flow control of its
 * incoming messages.
 *
 * <p>Outbound, frames are written one at a time (the next only after the previous write completed).
 * Two bounds keep a slow consumer from taking the server's memory: more than {@code maxQueued}
 * frames waiting, or more than {@code maxQueuedBytes} bytes queued plus being written (the frame
 * handed to the adapter counts until its callback ran). A frame that would cross either bound
 * closes the socket with 1008 and cuts the connection at once: a client that does not read would
 * never see the close frame, and waiting for the close handshake would keep the queue (and the user
 * in the connected set) for the adapter's close timeout. The engine treats the socket as closed at
 * once, so the client's grace period starts then. The first frame always goes out, even when larger
 * than the byte bound.
 *
 * <p>Inbound, the client's events go to its handler queue ({@link SerialExecutor}, bounded by
 * {@code maxInboundEvents}); when it is full, reading from the socket is paused and resumed when
 * half has drained. The keep-alive does not count a pause against the client (its answers may be
 * waiting unread behind its events), but a socket paused for longer than the keep-alive plus the
 * ping timeout is closed with 1011: its handlers are stuck, and the client is forgotten after its
 * grace period as after any close.
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

  /** Close code for a socket whose handlers stayed stuck while its reading was paused. */
  static final int CLOSE_HANDLERS_STUCK = 1011;

  private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

  final String userId;
  final String clientId;
  final SenteRequest request;
  private final Engine engine;
  private ArrayDeque<Packed> queue; // created by the first frame that has to wait
  private final int maxQueued;
  private final long maxQueuedBytes;

  /** The handler order of this socket's client, set when the socket is registered. */
  volatile SerialExecutor handlers;

  /** Runs a task on {@link #handlers} with flow control ({@link #runHandler}). */
  final java.util.concurrent.Executor inbound = this::runHandler;

  private WebSocketChannel channel;
  private boolean writing;
  private long queuedBytes; // queued frames plus the one being written
  private long writingBytes; // the one being written
  private final Runnable resume = this::resumeReading;
  private volatile long pausedSince = -1; // when reading was paused, -1 while reading
  private boolean closed;
  private boolean closing;
  private volatile long lastActivity;
  private volatile long received;
  private long receivedAtPing;
  private Cancellable keepAliveTimer;
  private LogLimiter inputLog; // created by the first bad input

  WsConnection(
      Engine engine,
      String userId,
      String clientId,
      SenteRequest request,
      int maxQueued,
      long maxQueuedBytes) {
    this.engine = engine;
    this.userId = userId;
    this.clientId = clientId;
    this.request = request;
    this.maxQueued = maxQueued;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** The bytes a frame counts for: its length in characters for text, in bytes for binary. */
  static long weight(Packed frame) {
    return frame instanceof Packed.Text text ? text.text().length() : frame.size();
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
      queuedBytes = 0;
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

  // ---- flow control of incoming messages: the engine queues each message's handler with
  // SerialExecutor.submit; when that says full, reading pauses until the queue's callback
  // (once half has drained) resumes it. The callback may run before this thread has paused:
  // resumedEarly pairs them up.

  private boolean paused;
  private boolean resumedEarly;

  /** Queues a handler task for this socket's client, pausing reading when its queue is full. */
  void runHandler(Runnable task) {
    SerialExecutor queue = handlers;
    if (queue.submit(task, resume)) {
      return;
    }
    synchronized (this) {
      if (resumedEarly) {
        resumedEarly = false;
        return;
      }
      paused = true;
      pausedSince = engine.now();
      // under this lock, so that the resume (which takes it first) cannot come in between; on
      // the delivering thread, as the SPI requires
      channel.pauseReading();
    }
    LOG.debug("Paused reading from client {}: its handlers are busy", safe(clientId));
  }

  private void resumeReading() {
    WebSocketChannel target;
    synchronized (this) {
      if (!paused) {
        resumedEarly = true;
        return;
      }
      paused = false;
      pausedSince = -1;
      lastActivity = engine.now(); // the client's answers may have waited unread
      target = channel;
    }
    target.resumeReading();
  }

  /** True while reading is paused because the client's handler queue is full. */
  boolean isReadingPaused() {
    return pausedSince >= 0;
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
    return send(frame, true);
  }

  /**
   * Queues one of the frames that open the socket (the handshake, the events kept for it) without
   * the bounds: they are bounded already (the kept events by {@code maxQueuedBytes}), and a socket
   * must not be closed before it was registered.
   */
  void sendOpening(Packed frame) {
    send(frame, false);
  }

  private boolean send(Packed frame, boolean bounded) {
    WebSocketChannel target;
    boolean tooSlow = false;
    long size = weight(frame);
    synchronized (this) {
      if (closed || closing || channel == null) {
        return false;
      }
      if (writing) {
        int frames = queue == null ? 0 : queue.size();
        if (bounded && (frames >= maxQueued || queuedBytes + size > maxQueuedBytes)) {
          LOG.warn(
              "Closing WebSocket of client {} (user {}): {} frames and {} bytes queued, client"
                  + " too slow",
              safe(clientId),
              safe(userId),
              frames,
              queuedBytes);
          queue = null;
          queuedBytes = 0;
          closing = true;
          tooSlow = true;
          target = channel;
        } else {
          if (queue == null) {
            queue = new ArrayDeque<>(4);
          }
          queue.add(frame);
          queuedBytes += size;
          return true;
        }
      } else {
        writing = true;
        queuedBytes = size;
        writingBytes = size;
        target = channel;
      }
    }
    if (tooSlow) {
      closeSlowConsumer(target);
      return false;
    }
    write(target, frame);
    return true;
  }

  /**
   * Closes with 1008 and cuts the connection at once: the close frame would wait behind the frames
   * the client does not read. The client's grace period starts now.
   */
  private void closeSlowConsumer(WebSocketChannel target) {
    try {
      target.close(CLOSE_POLICY, "Outbound queue full");
    } finally {
      target.disconnect();
      onClose(CLOSE_POLICY, "Outbound queue full");
    }
  }

  /** Bytes queued for this socket plus the frame being written (0 once closed). */
  synchronized long queuedBytes() {
    return queuedBytes;
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
              queuedBytes = 0;
            }
            close(1011, "Write failed");
          }
        });
  }

  private void writeNext() {
    Packed next;
    WebSocketChannel target;
    synchronized (this) {
      if (closed || closing) {
        writing = false;
        writingBytes = 0;
        return;
      }
      queuedBytes -= writingBytes;
      next = queue == null ? null : queue.poll();
      if (next == null) {
        writing = false;
        writingBytes = 0;
        return;
      }
      writingBytes = weight(next);
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
    if (isReadingPaused()) {
      // the client's answer to the close waits unread behind its events: forget the socket now
      // (the adapter cuts the connection after its close timeout)
      onClose(code, reason);
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
    long pausedAt = pausedSince;
    if (pausedAt >= 0) {
      // we are the ones not reading: that is no sign of a dead client, unless it lasts
      long stuck = engine.config().keepAliveMillis() + engine.config().pingTimeoutMillis();
      if (now - pausedAt < stuck) {
        scheduleKeepAlive();
        return;
      }
      LOG.warn(
          "Closing WebSocket of client {} (user {}): reading paused for {} ms, its handlers are"
              + " stuck",
          safe(clientId),
          safe(userId),
          now - pausedAt);
      close(CLOSE_HANDLERS_STUCK, "Handlers stuck"); // paused: forgotten at once
      return;
    }
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
    if (received != before || pausedSince >= 0) {
      scheduleKeepAlive(); // answered, or its answer waits unread while reading is paused
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
