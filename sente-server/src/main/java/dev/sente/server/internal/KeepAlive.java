package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.core.time.Cancellable;
import dev.sente.core.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keep-alive of one WebSocket: every keepAlive/2, a socket that received nothing in that window
 * is pinged; if it still receives nothing within the ping timeout, it is closed (1001) and
 * forgotten at once (a half-open socket may never report its close). Unlike Sente, pushes do not
 * count as activity: writes to a half-open TCP connection succeed, so they prove nothing.
 *
 * <p>A pause of reading ({@link InboundFlow}) is not counted against the client, whose answers may
 * wait unread behind its events; but a socket paused for longer than the keep-alive plus the ping
 * timeout is closed with 1011: its handlers are stuck.
 */
final class KeepAlive {
  private static final Logger LOG = LoggerFactory.getLogger(KeepAlive.class);

  private final WsConnection conn;
  private final Scheduler scheduler;
  private final Packed ping;
  private final long keepAliveMillis;
  private final long pingTimeoutMillis;
  private final long window;
  private volatile long lastActivity;
  private volatile long received;
  private long receivedAtPing; // guarded by this
  private Cancellable timer; // guarded by this
  private boolean stopped; // guarded by this

  KeepAlive(
      WsConnection conn,
      Scheduler scheduler,
      Packed ping,
      long keepAliveMillis,
      long pingTimeoutMillis) {
    this.conn = conn;
    this.scheduler = scheduler;
    this.ping = ping;
    this.keepAliveMillis = keepAliveMillis;
    this.pingTimeoutMillis = pingTimeoutMillis;
    this.window = Math.max(1, keepAliveMillis / 2);
    this.lastActivity = scheduler.nowMillis();
  }

  /** A sign of life (or a reason not to expect one until now). */
  void activity() {
    lastActivity = scheduler.nowMillis();
  }

  /** A message from the client: a sign of life, and an answer to a ping. */
  void received() {
    lastActivity = scheduler.nowMillis();
    received++; // one delivering thread at a time
  }

  /** Starts the checks. */
  void start() {
    schedule();
  }

  /** Stops the checks: the socket closed. */
  synchronized void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel();
    }
  }

  private void schedule() {
    synchronized (this) {
      if (!stopped) {
        timer = scheduler.schedule(window, this::checkIdle);
      }
    }
  }

  private void checkIdle() {
    long now = scheduler.nowMillis();
    long pausedAt = conn.inbound.pausedSince();
    if (pausedAt >= 0) {
      // we are the ones not reading: that is no sign of a dead client, unless it lasts
      if (now - pausedAt < keepAliveMillis + pingTimeoutMillis) {
        schedule();
        return;
      }
      LOG.warn(
          "Closing WebSocket of client {} (user {}): reading paused for {} ms, its handlers are"
              + " stuck",
          safe(conn.clientId),
          safe(conn.userId),
          now - pausedAt);
      conn.close(WsConnection.CLOSE_HANDLERS_STUCK, "Handlers stuck"); // paused: forgotten at once
      return;
    }
    if (now - lastActivity < window) {
      schedule();
      return;
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      receivedAtPing = received;
      timer = scheduler.schedule(pingTimeoutMillis, this::checkPong);
    }
    conn.send(ping);
  }

  private void checkPong() {
    long before;
    synchronized (this) {
      if (stopped) {
        return;
      }
      before = receivedAtPing;
    }
    if (received != before || conn.inbound.isPaused()) {
      schedule(); // answered, or its answer waits unread while reading is paused
      return;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("Client {} did not answer the ping: closing", safe(conn.clientId));
    }
    conn.close(WsConnection.CLOSE_PING_TIMEOUT, "Ping timeout");
    // a half-open socket may never report its close: forget it now
    conn.onClose(1006, "Ping timeout");
  }
}
