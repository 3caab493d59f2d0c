package dev.sente.client.internal;

import dev.sente.core.time.Cancellable;

/**
 * The client's keep-alive on one WebSocket (as Sente's client does it, Sente issue 259): every
 * {@code keepAlive/2}, when nothing was sent or received since the last check, send {@code
 * [[:chsk/ws-ping] cb]}; when no reply to it comes within the ping timeout, the link is dead. So an
 * idle connection is pinged every {@code keepAlive} (the ping and its pong count as traffic), and a
 * dead one is found within {@code keepAlive + pingTimeout}. Guarded by the client's lock.
 */
final class KeepAlive {

  /** What the keep-alive needs from its session. */
  interface Link {
    /** Sends the ping with this callback id; false when it could not be queued. */
    boolean sendPing(String callbackId);

    /** No answer came in time. */
    void pingTimedOut(long timeoutMillis);

    /** A fresh callback id that no request uses. */
    String newCallbackId();
  }

  private final SessionContext ctx;
  private final Link link;
  private boolean activity;
  private boolean stopped;
  private String pingId;
  private Cancellable tick = SessionContext.NONE;
  private Cancellable pingTimer = SessionContext.NONE;

  KeepAlive(SessionContext ctx, Link link) {
    this.ctx = ctx;
    this.link = link;
  }

  /** Starts the checks (at the handshake). */
  void start() {
    activity = true;
    schedule();
  }

  /** Something was sent or received. */
  void activity() {
    activity = true;
  }

  /** The id of the ping waiting for its answer, if any. */
  boolean isPingId(String callbackId) {
    return callbackId.equals(pingId);
  }

  /** A reply to the ping arrived: the link is alive. */
  void answered() {
    pingId = null;
    pingTimer.cancel();
  }

  /** Stops every timer. */
  void stop() {
    stopped = true;
    tick.cancel();
    pingTimer.cancel();
  }

  private void schedule() {
    tick = ctx.schedule(ctx.config().keepAlive().toMillis() / 2, this::check);
  }

  private void check() {
    if (stopped) {
      return;
    }
    boolean idle = !activity;
    activity = false;
    if (idle && pingId == null) {
      ping();
    }
    if (!stopped) {
      schedule();
    }
  }

  private void ping() {
    String id = link.newCallbackId();
    pingId = id;
    if (!link.sendPing(id)) {
      return; // the session closes itself
    }
    long timeout = ctx.config().pingTimeout().toMillis();
    pingTimer =
        ctx.schedule(
            timeout,
            () -> {
              if (!stopped && id.equals(pingId)) {
                link.pingTimedOut(timeout);
              }
            });
  }
}
