package dev.sente.servlet.internal;

import jakarta.websocket.Session;

/**
 * What Jakarta WebSocket has no standard call for: pausing the reading of incoming messages and
 * dropping a connection at once. One implementation per container, chosen by {@link #of}; the
 * generic fallback works anywhere, at a cost its class comment states.
 */
interface SocketControl {

  /** How long a close handshake may take; also bounds the container's blocking close write. */
  long CLOSE_TIMEOUT_MILLIS = 3000;

  /**
   * Delivers no message after the current one until {@link #resume()}; on the delivering thread.
   */
  void pause();

  /** Undoes {@link #pause()}; any thread; a no-op when not paused. */
  void resume();

  /** A delivery (onOpen or onMessage) returned, on the delivering thread. */
  default void delivered() {}

  /** Cuts the connection without waiting for pending writes or the close handshake. */
  void disconnect();

  /** The session closed. */
  default void closed() {}

  /** The control for the session's container. */
  static SocketControl of(Session session) {
    if (TomcatPresence.PRESENT && TomcatSocketControl.handles(session)) {
      return new TomcatSocketControl(session);
    }
    return new WaitingSocketControl(session);
  }

  /**
   * Whether Tomcat's WebSocket classes are there; checked once, without loading our Tomcat code.
   */
  final class TomcatPresence {
    static final boolean PRESENT = present("org.apache.tomcat.websocket.WsSession");

    private TomcatPresence() {}

    private static boolean present(String name) {
      try {
        Class.forName(name, false, SocketControl.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }
}
