package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket, as the adapter sees it: the listener that ties together its outbound writer
 * ({@link SocketWriter}, with the slow-consumer bounds), its keep-alive ({@link KeepAlive}) and the
 * flow control of its incoming messages ({@link InboundFlow}), and reports its open, messages and
 * close to the {@link WebSocketTransport}.
 *
 * <p>The engine treats a socket cut as a slow consumer, or paused and closed, or silent after its
 * ping, as closed at once (its client's grace period starts then); {@link #onClose} runs once
 * whichever comes first, the adapter's report or the engine's.
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
  private final WebSocketTransport transport;
  private final SocketWriter writer;
  private final KeepAlive keepAlive;

  /** The handler order of this socket's client, set when the socket is registered. */
  volatile SerialExecutor handlers;

  /** Runs a task on {@link #handlers} with flow control. */
  final InboundFlow inbound;

  /** Whether the client asked for the resume extension ({@code ext=resume} on its URL). */
  final boolean asksResume;

  /**
   * The numbering of the events this socket's client sends, set at the handshake when resume is
   * granted and the URL names the client's {@code cepoch}; null otherwise.
   */
  volatile ClientSequences.Seq sequence;

  /** The socket's cursor in the delivery log, set before the socket starts writing. */
  private volatile Cursor cursor;

  /** Whether resume was granted: the frames carry their numbers. */
  private volatile boolean numbered;

  private final Object drainLock = new Object();
  private boolean draining; // guarded by drainLock
  private boolean drainAgain; // guarded by drainLock

  private boolean closed; // guarded by this
  private LogLimiter inputLog; // created by the first bad input; guarded by this

  WsConnection(
      WebSocketTransport transport,
      String userId,
      String clientId,
      SenteRequest request,
      int maxQueued,
      long maxQueuedBytes) {
    this.transport = transport;
    this.userId = userId;
    this.clientId = clientId;
    this.request = request;
    Engine engine = transport.engine();
    this.writer = new SocketWriter(this, maxQueued, maxQueuedBytes);
    this.keepAlive =
        new KeepAlive(
            this,
            engine.scheduler(),
            engine.serverPing(),
            engine.config().keepAliveMillis(),
            engine.config().pingTimeoutMillis());
    this.inbound = new InboundFlow(this, engine::now);
    this.asksResume = asksResume(request);
  }

  /** Whether the request's {@code ext} parameter names {@code resume}. */
  static boolean asksResume(SenteRequest request) {
    List<String> values = request.queryParams().get("ext");
    if (values == null) {
      return false;
    }
    for (String value : values) {
      for (String name : value.split(",", 8)) {
        if (ResumeFrames.NAME.equals(name.trim())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Makes this socket a drain of the cursor, {@code numbered} when resume was granted; call before
   * {@link #start}.
   */
  void resumeFrom(Cursor cursor, boolean numbered) {
    this.numbered = numbered;
    this.cursor = cursor;
  }

  /** True when this socket was granted resume: its frames carry their numbers. */
  boolean resumes() {
    return cursor != null && numbered;
  }

  /**
   * The writer has nothing in flight nor queued: the drain takes its next batch, unless the cursor
   * is armed (up to date: the next append wakes the drain), which spares a request/reply exchange a
   * read of the log after every reply written.
   */
  void writerIdle() {
    Cursor c = cursor;
    if (c != null && !c.isArmed()) {
      drain();
    }
  }

  /**
   * The drain: while the writer is idle, takes the batch after the cursor and writes it as one
   * frame; the write's completion ({@link #writerIdle}) or the cursor's wake-up after an append
   * calls it again. One caller at a time: a call made meanwhile (a write completing inline, a
   * wake-up) makes the running one loop once more instead of recursing. A plain socket acknowledges
   * what it takes at once (its client cannot say what it got), so the log can let it go. A socket
   * whose writer is busy while the log trimmed events it had not read yet (its client reads slower
   * than the user's pushes come, past the window's bytes) is cut as a slow consumer: its client
   * reconnects, and a resume client is told the gap.
   */
  void drain() {
    Cursor c = cursor;
    if (c == null) {
      return;
    }
    synchronized (drainLock) {
      if (draining) {
        drainAgain = true;
        return;
      }
      draining = true;
    }
    while (true) {
      try {
        if (writer.isIdle()) {
          ReadResult next = c.next(transport.batchBytes(numbered));
          if (!numbered && next instanceof ReadResult.Batch gap && gap.events().isEmpty()) {
            next = c.next(transport.batchBytes(numbered)); // past the gap: up to date, and armed
          }
          if (next instanceof ReadResult.Batch batch) {
            Packed frame =
                batch.events().isEmpty() && !numbered
                    ? null
                    : transport.pushFrame(c, batch, numbered);
            if (!numbered) {
              c.acknowledge(batch.lastSeq()); // after packing: it may let the events go
            }
            if (frame != null) {
              writer.send(frame);
            }
          }
        } else if (c.isLapped()) {
          writer.cutSlowConsumer(c.unreadBytes());
        }
      } catch (RuntimeException e) {
        LOG.error("Drain failed for {}", this, e);
      }
      synchronized (drainLock) {
        if (!drainAgain) {
          draining = false;
          return;
        }
        drainAgain = false;
      }
    }
  }

  /** The bytes a frame counts for: its length in characters for text, in bytes for binary. */
  static long weight(Packed frame) {
    return SocketWriter.weight(frame);
  }

  WebSocketChannel channel() {
    return writer.channel();
  }

  KeepAlive keepAlive() {
    return keepAlive;
  }

  @Override
  public void onOpen(WebSocketChannel channel) {
    writer.open(channel);
    keepAlive.activity();
    transport.opened(this);
    keepAlive.start();
  }

  @Override
  public void onMessage(Packed message) {
    keepAlive.received();
    transport.message(this, message);
  }

  @Override
  public void onClose(int code, String reason) {
    LogLimiter limiter;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      limiter = inputLog;
    }
    writer.closed();
    keepAlive.stop();
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
    transport.closed(this);
  }

  /** True while reading is paused because the client's handler queue is full. */
  boolean isReadingPaused() {
    return inbound.isPaused();
  }

  @Override
  public void onError(Throwable cause) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("WebSocket error for client {}: {}", safe(clientId), safe(cause));
    }
  }

  /**
   * Logs bad input from this socket's client (what it was, and a detail such as the parser's
   * message), escaped; a few lines a minute, the rest counted for the close.
   */
  void warnBadInput(String what, Object detail) {
    LogLimiter limiter;
    synchronized (this) {
      if (inputLog == null) {
        inputLog = LogLimiter.perMinute(transport.engine()::now);
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

  /** Queues a frame; false when the socket is closed or was just closed as a slow consumer. */
  boolean send(Packed frame) {
    return writer.send(frame);
  }

  /** Queues a pong, ahead of the queued pushes; false when the socket is closed. */
  boolean sendControl(Packed frame) {
    return writer.sendControl(frame);
  }

  /**
   * Writes the frames that open the socket (the handshake, the events kept for it) ahead of
   * anything queued while it was being registered, and starts writing; called once, after the
   * socket was registered, outside the registry lock.
   */
  void start(List<Packed> opening) {
    writer.start(opening);
  }

  /** Bytes queued for this socket plus the frame being written (0 once closed). */
  long queuedBytes() {
    return writer.queuedBytes();
  }

  /**
   * Closes the socket after the frames queued so far (see {@link SocketWriter.State#CLOSING}); when
   * they are still not written after the ping timeout, the connection is cut.
   */
  void close(int code, String reason) {
    writer.close(code, reason);
    if (writer.state() == SocketWriter.State.CLOSING) {
      Engine engine = transport.engine();
      engine.scheduler().schedule(engine.config().pingTimeoutMillis(), writer::cutIfClosing);
    }
    closeAsked(code, reason);
  }

  /** A close was asked for; while reading is paused, the engine forgets the socket at once. */
  void closeAsked(int code, String reason) {
    if (isReadingPaused()) {
      // the client's answer to the close waits unread behind its events: forget the socket now
      // (the adapter cuts the connection after its close timeout)
      onClose(code, reason);
    }
  }

  @Override
  public String toString() {
    return "WebSocket of client " + safe(clientId) + " (user " + safe(userId) + ")";
  }
}
