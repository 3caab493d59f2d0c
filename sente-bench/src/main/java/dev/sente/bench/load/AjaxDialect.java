package dev.sente.bench.load;

/**
 * What one system's long-polling transport looks like: the handshake, the poll request, the
 * request/reply POST, and how response bodies are read. Keeps no state of its own.
 */
interface AjaxDialect {

  /** Starts the client's handshake; ends, directly or later, with {@code client.opened()}. */
  void start(AjaxClient client);

  /** The poll connection is up (each time it connects). */
  default void onPollConnected(AjaxClient client) {}

  /** A response on the poll connection (to the handshake or to a poll). */
  void onPollResponse(AjaxClient client, int status, byte[] body, int offset, int length);

  /** The next poll request. */
  byte[] poll(AjaxClient client);

  /** The POST of one request of the request/reply loop. */
  byte[] request(AjaxClient client);

  /** A response on the post connection. */
  void onPostResponse(AjaxClient client, int status, byte[] body, int offset, int length);
}
