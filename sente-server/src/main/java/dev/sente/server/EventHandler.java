package dev.sente.server;

/**
 * Handles events of one id, or all events. Runs off the I/O threads (on a virtual thread when the
 * runtime has them), one at a time per connection, in the order the connection's events arrived. An
 * exception goes to the server's error handler; if the client wanted a reply and none was sent, it
 * gets {@code chsk/error}.
 */
@FunctionalInterface
public interface EventHandler {
  /** Handles one event. */
  void handle(EventMessage message) throws Exception;
}
