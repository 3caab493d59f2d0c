package dev.sente.servlet.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.apache.tomcat.websocket.WsSession;

/**
 * Tomcat's own controls of a WebSocket session. {@link WsSession#suspend()} stops Tomcat's frame
 * reader after the message being delivered (no further read from the socket, so the peer gets TCP
 * backpressure) and {@link WsSession#resume()} dispatches reading again on a container thread.
 * {@link WsSession#closeImmediately} closes the socket even while a close is under way; it tries
 * the close frame first, bounded by Tomcat's abnormal-close send timeout (50 ms by default) for any
 * code other than 1000.
 *
 * <p>Tomcat complains (in its log) about a suspend of a suspended session and a resume of a running
 * one, so this keeps its own paused flag and calls each only when it changes state.
 */
final class TomcatSocketControl implements SocketControl {

  private static final String BLOCKING_SEND_TIMEOUT =
      "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
  private static final String SESSION_CLOSE_TIMEOUT =
      "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

  private final WsSession session;
  private boolean paused; // guarded by this

  TomcatSocketControl(Session session) {
    this.session = (WsSession) session;
    // Sends are asynchronous; Tomcat writes only close frames blocking (20 s by default), and
    // waits 30 s by default for the peer's close frame before it closes the socket.
    session.getUserProperties().put(BLOCKING_SEND_TIMEOUT, CLOSE_TIMEOUT_MILLIS);
    session.getUserProperties().put(SESSION_CLOSE_TIMEOUT, CLOSE_TIMEOUT_MILLIS);
  }

  static boolean handles(Session session) {
    return session instanceof WsSession;
  }

  @Override
  public synchronized void pause() {
    if (!paused) {
      paused = true;
      session.suspend();
    }
  }

  @Override
  public synchronized void resume() {
    if (paused) {
      paused = false;
      session.resume();
    }
  }

  @Override
  public void disconnect() {
    session.closeImmediately(
        new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Connection dropped"));
  }
}
