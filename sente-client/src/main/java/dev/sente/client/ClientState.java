package dev.sente.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The connection state of a {@link SenteClient}, as {@link SenteClient#state()} returns it and
 * {@link SenteClient#onState} listeners receive it. A new client is {@code Closed(INITIAL)}; the
 * usual life is:
 *
 * <pre>
 * Closed(INITIAL) → Connecting → Open → Closed(UNEXPECTED, willReconnect) → ReconnectScheduled
 *                                  ↑                                              |
 *                                  +──────────────── Connecting ←─────────────────+
 * </pre>
 *
 * <pre>{@code
 * client.onState(state -> {
 *   switch (state) {   // Java 21 pattern switch; on 17 use instanceof
 *     case ClientState.Open open -> ui.online(open.userId());
 *     case ClientState.ReconnectScheduled r -> ui.retryingIn(r.delay());
 *     default -> ui.offline();
 *   }
 * });
 * }</pre>
 */
public sealed interface ClientState
    permits ClientState.Connecting,
        ClientState.Open,
        ClientState.Closed,
        ClientState.ReconnectScheduled {

  /** True for {@link Open}: events can be sent. */
  default boolean isOpen() {
    return this instanceof Open;
  }

  /**
   * A connection is being made: a WebSocket upgrade, or an Ajax handshake request, waiting for the
   * server's handshake.
   *
   * @param transport {@link Transport#WEBSOCKET} or {@link Transport#AJAX}, never {@code AUTO}
   * @param attempt 0 for the first try after {@link SenteClient#connect()} or {@link
   *     SenteClient#reconnect()}, n for the n-th retry after a failure
   */
  record Connecting(Transport transport, int attempt) implements ClientState {
    /** Checks that no component is null. */
    public Connecting {
      Objects.requireNonNull(transport, "transport");
    }
  }

  /**
   * The server's handshake arrived: the connection is usable.
   *
   * @param userId the user id the server resolved, empty for an anonymous client
   * @param transport {@link Transport#WEBSOCKET} or {@link Transport#AJAX}, never {@code AUTO}
   * @param handshakeData the server's handshake data as the packer read it, if any
   * @param firstOpen true only for the first handshake in this client's life (Sente's {@code
   *     :first-open?})
   * @param recovery what this open (or, later, a gap inside the session) recovered of the pushes
   *     made while the client was away, when the server grants the resume extension; empty on the
   *     first open, and always empty with a server that does not grant it (see {@link Recovery})
   */
  record Open(
      Optional<String> userId,
      Transport transport,
      Optional<Object> handshakeData,
      boolean firstOpen,
      Optional<Recovery> recovery)
      implements ClientState {
    /** Checks that no component is null. */
    public Open {
      Objects.requireNonNull(userId, "userId");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(handshakeData, "handshakeData");
      Objects.requireNonNull(recovery, "recovery");
    }

    /** An open state without a recovery report (a server that does not grant resume). */
    public Open(
        Optional<String> userId,
        Transport transport,
        Optional<Object> handshakeData,
        boolean firstOpen) {
      this(userId, transport, handshakeData, firstOpen, Optional.empty());
    }
  }

  /**
   * Not connected.
   *
   * @param reason why
   * @param code the HTTP status of a refused request, or the WebSocket close code, when there was
   *     one
   * @param detail a human-readable cause, empty when there is nothing to add
   * @param willReconnect true when a {@link ReconnectScheduled} follows; false when the client
   *     stays closed until {@link SenteClient#connect()} or {@link SenteClient#reconnect()}
   */
  record Closed(CloseReason reason, OptionalInt code, String detail, boolean willReconnect)
      implements ClientState {
    /** Checks that no component is null. */
    public Closed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(detail, "detail");
    }

    /** A closed state without code or detail. */
    public static Closed of(CloseReason reason, boolean willReconnect) {
      return new Closed(reason, OptionalInt.empty(), "", willReconnect);
    }
  }

  /**
   * Waiting before the next connection attempt, as the {@link Backoff} decided.
   *
   * @param attempt the retry number (1 for the first retry after a failure)
   * @param delay how long the client waits
   * @param at when the attempt starts, on the system clock
   */
  record ReconnectScheduled(int attempt, Duration delay, Instant at) implements ClientState {
    /** Checks that no component is null. */
    public ReconnectScheduled {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(at, "at");
    }
  }
}
