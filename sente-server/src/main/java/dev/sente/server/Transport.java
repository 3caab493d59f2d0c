package dev.sente.server;

/** How a client is connected. */
public enum Transport {
  /** A WebSocket. */
  WEBSOCKET,
  /** Ajax long-polling: GET polls for pushes, POST sends events. */
  AJAX
}
