package dev.sente.bench.load;

/**
 * What one system's protocol means on a WebSocket: the upgrade path, how the client becomes
 * "connected", how a request/reply looks and how pushes are recognised. One implementation per
 * system under test; each keeps no state of its own (state lives in the client).
 */
interface WsDialect {

  /** The request target of the upgrade (path and query) for this client. */
  String path(WsClient client);

  /** The upgrade succeeded. */
  default void onUpgraded(WsClient client) {}

  /** One whole text message from the server. */
  void onMessage(WsClient client, byte[] data, int offset, int length);

  /** The next request of the request/reply loop (the client's seq is already advanced). */
  byte[] request(WsClient client);
}
