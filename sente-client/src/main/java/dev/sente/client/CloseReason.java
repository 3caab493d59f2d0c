package dev.sente.client;

/**
 * Why a {@link SenteClient} is {@linkplain ClientState.Closed closed}. The names follow Sente's
 * {@code :last-close :reason} where Sente has one.
 */
public enum CloseReason {
  /** {@link SenteClient#connect()} has not been called yet: the state of a new client. */
  INITIAL,

  /** The server closed the WebSocket normally (close code 1000); Sente's {@code :clean}. */
  CLEAN,

  /**
   * The connection failed or dropped: refused, reset, a WebSocket close other than 1000, an HTTP
   * error other than 401/403, no handshake in time; Sente's {@code :unexpected}.
   */
  UNEXPECTED,

  /**
   * The application called {@link SenteClient#disconnect()}; Sente's {@code :requested-disconnect}.
   */
  REQUESTED_DISCONNECT,

  /**
   * The application called {@link SenteClient#reconnect()}; Sente's {@code :requested-reconnect}.
   */
  REQUESTED_RECONNECT,

  /**
   * In {@link Transport#AUTO} mode the WebSocket failed before its first handshake, and the client
   * switches to Ajax; Sente's {@code :downgrading-ws-to-ajax}.
   */
  DOWNGRADING,

  /**
   * The client's keep-alive ping got no answer within the ping timeout; Sente's {@code
   * :ws-ping-timeout}.
   */
  PING_TIMEOUT,

  /**
   * Sending failed, or the server answered with something that is not Sente's protocol; Sente's
   * {@code :ws-error}.
   */
  ERROR,

  /**
   * The server refused the client with HTTP 401 or 403 (bad CSRF token, foreign origin, expired
   * session); the status is in {@link ClientState.Closed#code()}. The client keeps retrying unless
   * {@link SenteClientBuilder#stopReconnectingOn(int...)} says otherwise.
   */
  REJECTED,

  /** The application called {@link SenteClient#close()}: the client is finished for good. */
  CLIENT_CLOSED
}
