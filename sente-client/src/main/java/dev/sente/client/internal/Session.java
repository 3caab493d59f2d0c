package dev.sente.client.internal;

import dev.sente.client.CloseReason;
import dev.sente.client.Transport;
import dev.sente.core.Event;
import dev.sente.core.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One connection attempt on one transport, from the first packet until it closes: the internal
 * transport SPI under {@link ClientCore}. A session never reconnects; the core makes a new one.
 *
 * <p>Every method is called with the client's lock held, and a session calls its {@link Listener}
 * with the lock held too. After {@link #close} the session calls its listener no more.
 */
interface Session {

  /** {@link Transport#WEBSOCKET} or {@link Transport#AJAX}. */
  Transport type();

  /** Starts connecting. */
  void start();

  /**
   * Sends an event with no reply wanted, numbered {@code cseq} (0 for none: see {@link Outbox});
   * false when it was not accepted.
   */
  boolean send(Event event, long cseq);

  /**
   * Sends an event that wants a reply; the returned request completes with the reply, or fails
   * (already, when the frame was not accepted).
   */
  PendingRequest request(Event event, Duration timeout);

  /** Closes the session; the listener hears nothing more from it. */
  void close(CloseReason reason);

  /** What a session reports to the core. */
  interface Listener {
    /**
     * The server's handshake arrived (possibly again, on Ajax), with its frame's meta (null without
     * one).
     */
    void onHandshake(Session session, Protocol.Handshake handshake, Object meta);

    /**
     * Events for the application arrived, with the meta of their frame (null without one, or for
     * the local {@code chsk/ws-ping}).
     */
    void onEvents(Session session, List<Event> events, Object meta);

    /** The session closed by itself (the server, the network, a timeout). Called once. */
    void onClosed(Session session, CloseInfo info);
  }

  /**
   * Why a session closed.
   *
   * @param reason the reason
   * @param code an HTTP status or WebSocket close code, when there was one
   * @param detail a human-readable cause, may be empty
   */
  record CloseInfo(CloseReason reason, OptionalInt code, String detail) {
    public CloseInfo {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(code, "code");
      detail = detail == null ? "" : detail;
    }

    static CloseInfo of(CloseReason reason, String detail) {
      return new CloseInfo(reason, OptionalInt.empty(), detail);
    }
  }
}
