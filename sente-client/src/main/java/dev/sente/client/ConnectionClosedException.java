package dev.sente.client;

import dev.sente.core.SenteException;

/**
 * A request could not complete because the connection was not open when it was made, dropped while
 * it waited for its reply, or the client was closed. Sente reports this as {@code :chsk/closed}.
 *
 * <pre>{@code
 * client.request("chat/save", line, Duration.ofSeconds(5)).exceptionally(error -> {
 *   if (error.getCause() instanceof ConnectionClosedException) ui.offline();
 *   return null;
 * });
 * }</pre>
 */
public class ConnectionClosedException extends SenteException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public ConnectionClosedException(String message) {
    super(message);
  }
}
