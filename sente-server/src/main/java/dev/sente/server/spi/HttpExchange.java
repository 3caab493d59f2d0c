package dev.sente.server.spi;

import dev.sente.core.Packed;
import dev.sente.server.SenteRequest;

/**
 * One request to the Sente endpoint, as an adapter hands it to the engine ({@link
 * SenteEndpoint#handle}). The engine ends every exchange in exactly one of three ways: {@link
 * #respond}, {@link #upgrade} (only when {@link #isWebSocketUpgrade()}), or {@link #hold} (a
 * long-poll, later completed through its {@link LongPollChannel}). It may first {@link #readBody}.
 *
 * <p>Adapters implement this in 150 to 300 lines; see {@code sente-jetty}. Methods may be called
 * from any thread, but never concurrently for one exchange.
 */
public interface HttpExchange extends SenteRequest {

  /**
   * This request as a view that stays valid after the exchange ended and keeps none of the web
   * server's per-request objects alive: the engine keeps it with the client (for the notifications
   * of its later events, such as its disconnection) long after the response went out. An adapter
   * whose exchange holds the server's request or connection returns the copy it made of the
   * request's values; the default, this exchange, suits only exchanges that hold nothing else.
   */
  default SenteRequest detached() {
    return this;
  }

  /** True for a GET that asks for a WebSocket upgrade. */
  boolean isWebSocketUpgrade();

  /**
   * Reads the whole request body, asynchronously. When the body (by its Content-Length, or while it
   * streams) exceeds {@code maxBytes}, the adapter stops reading and calls {@link
   * BodyCallback#tooLarge()} without buffering the rest. Exactly one callback method is called.
   */
  void readBody(long maxBytes, BodyCallback callback);

  /** Answers now, with the given status, content type and body, and ends the exchange. */
  void respond(int status, String contentType, byte[] body);

  /** Answers now with a packed value (the content type follows its kind) and ends the exchange. */
  default void respond(int status, Packed body) {
    respond(
        status,
        body instanceof Packed.Text ? "text/plain;charset=utf-8" : "application/octet-stream",
        body.bytes());
  }

  /**
   * Upgrades to a WebSocket. Incoming messages larger than {@code maxMessageBytes} close the socket
   * with code 1009 before they are buffered whole. The listener's {@link WebSocketListener#onOpen}
   * is called once the socket can send.
   */
  void upgrade(long maxMessageBytes, WebSocketListener listener);

  /**
   * Keeps the response open for a long-poll. The engine completes it later, once, through the
   * returned channel; the adapter reports a client that goes away through {@link
   * LongPollChannel#onGone}.
   */
  LongPollChannel hold();

  /** The outcome of {@link #readBody}. */
  interface BodyCallback {
    /** The whole body. */
    void completed(byte[] body);

    /** The body is larger than allowed; nothing more is read. */
    void tooLarge();

    /** Reading failed (the client went away). */
    void failed(Throwable cause);
  }
}
