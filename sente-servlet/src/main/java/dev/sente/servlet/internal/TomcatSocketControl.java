package dev.sente.servlet.internal;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.apache.tomcat.websocket.WsSession;

/**
 * Tomcat's controls of a WebSocket session: dropping it at once, with {@link
 * WsSession#closeImmediately}, which closes the socket even while a close is under way (it tries
 * the close frame first, bounded by Tomcat's abnormal-close send timeout, 50 ms by default, for any
 * code other than 1000); and the close handshake bounded to {@link #CLOSE_TIMEOUT_MILLIS}.
 *
 * <p>Reading pauses as in {@link WaitingSocketControl}: the delivery during which it paused holds
 * its container thread until it resumes. Not with Tomcat's own {@link WsSession#suspend()}: a
 * {@link WsSession#resume()} that comes while the delivering thread is still inside Tomcat's frame
 * processing (the engine resumes from its handler thread, at any time after the pause) leaves the
 * frames Tomcat had already read unprocessed until the peer sends more, so a client whose whole
 * flood had arrived stalled (seen about once in eight runs of the inbound flood test, Tomcat
 * 11.0.29).
 */
final class TomcatSocketControl implements SocketControl {

  private static final String BLOCKING_SEND_TIMEOUT =
      "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
  private static final String SESSION_CLOSE_TIMEOUT =
      "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

  private final WsSession session;
  private final WaitingSocketControl reading;

  TomcatSocketControl(Session session) {
    this.session = (WsSession) session;
    this.reading = new WaitingSocketControl(session);
    // Sends are asynchronous; Tomcat writes only close frames blocking (20 s by default), and
    // waits 30 s by default for the peer's close frame before it closes the socket.
    session.getUserProperties().put(BLOCKING_SEND_TIMEOUT, CLOSE_TIMEOUT_MILLIS);
    session.getUserProperties().put(SESSION_CLOSE_TIMEOUT, CLOSE_TIMEOUT_MILLIS);
  }

  static boolean handles(Session session) {
    return session instanceof WsSession;
  }

  @Override
  public void pause() {
    reading.pause();
  }

  @Override
  public void resume() {
    reading.resume();
  }

  @Override
  public void delivered() {
    reading.delivered();
  }

  @Override
  public void closed() {
    reading.closed();
  }

  @Override
  public void disconnect() {
    reading.closed(); // a delivery held by a pause returns
    session.closeImmediately(
        new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Connection dropped"));
  }
}
