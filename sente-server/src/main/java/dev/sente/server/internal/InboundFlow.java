package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.server.spi.WebSocketChannel;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow control of one WebSocket's incoming messages. Each message's handler goes to the
 * client's handler queue ({@link SerialExecutor}, bounded by {@code maxInboundEvents}) with {@link
 * SerialExecutor#submit}; when that says full, reading from the socket pauses until the queue's
 * callback (once half has drained) resumes it. The callback may run before this thread has paused:
 * {@code resumedEarly} pairs them up. Guarded by its own lock, never held across an adapter call
 * other than {@link WebSocketChannel#pauseReading()} (which the SPI allows).
 */
final class InboundFlow implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(InboundFlow.class);

  private final WsConnection conn;
  private final LongSupplier clock;
  private final Runnable resume = this::resume;
  private boolean paused;
  private boolean resumedEarly;
  private volatile long pausedSince = -1; // when reading was paused, -1 while reading

  InboundFlow(WsConnection conn, LongSupplier clock) {
    this.conn = conn;
    this.clock = clock;
  }

  /** Queues a handler task for the socket's client, pausing reading when its queue is full. */
  @Override
  public void execute(Runnable task) {
    SerialExecutor queue = conn.handlers;
    if (queue.submit(task, resume)) {
      return;
    }
    synchronized (this) {
      if (resumedEarly) {
        resumedEarly = false;
        return;
      }
      paused = true;
      pausedSince = clock.getAsLong();
      // under this lock, so that the resume (which takes it first) cannot come in between; on
      // the delivering thread, as the SPI requires
      conn.channel().pauseReading();
    }
    LOG.debug("Paused reading from client {}: its handlers are busy", safe(conn.clientId));
  }

  private void resume() {
    synchronized (this) {
      if (!paused) {
        resumedEarly = true;
        return;
      }
      paused = false;
      pausedSince = -1;
    }
    conn.keepAlive().activity(); // the client's answers may have waited unread
    conn.channel().resumeReading();
  }

  /** When reading was paused, or -1 while reading. */
  long pausedSince() {
    return pausedSince;
  }

  /** True while reading is paused because the client's handler queue is full. */
  boolean isPaused() {
    return pausedSince >= 0;
  }
}
