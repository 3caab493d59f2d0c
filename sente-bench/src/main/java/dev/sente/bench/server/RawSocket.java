package dev.sente.bench.server;

import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One bare WebSocket of {@link RawJettyServer}: echoes text and takes pushes. Public only because
 * Jetty binds listener methods through method handles.
 *
 * <pre>{@code
 * container.addMapping("/raw", (request, response, callback) -> new RawSocket(uid, sockets));
 * }</pre>
 */
public final class RawSocket implements Session.Listener.AutoDemanding {
  private final String uid;
  private final Map<String, RawSocket> sockets;
  private volatile Session session;

  RawSocket(String uid, Map<String, RawSocket> sockets) {
    this.uid = uid;
    this.sockets = sockets;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    sockets.put(uid, this);
  }

  @Override
  public void onWebSocketText(String message) {
    session.sendText(message, Callback.NOOP);
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    sockets.remove(uid, this);
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    // a client that went away: nothing to do, the close follows
  }

  void send(String text) {
    Session s = session;
    if (s != null && s.isOpen()) {
      s.sendText(text, Callback.NOOP);
    }
  }
}
