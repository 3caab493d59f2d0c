package dev.sente.client;

import dev.sente.core.SenteException;
import java.util.OptionalInt;

/**
 * A request failed with an error instead of a reply: the server answered {@code chsk/error}, an
 * Ajax POST got an HTTP error or an unreadable body, or the frame could not be sent (Sente's {@code
 * :chsk/error}).
 *
 * <pre>{@code
 * client.request("chat/save", line, Duration.ofSeconds(5)).exceptionally(e -> {
 *   if (e.getCause() instanceof ReplyErrorException r && r.status().orElse(0) == 403) login();
 *   return null;
 * });
 * }</pre>
 */
public class ReplyErrorException extends SenteException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /** An exception with a message and no HTTP status. */
  public ReplyErrorException(String message) {
    this(message, -1);
  }

  /** An exception with a message and the HTTP status of the failed exchange (-1 for none). */
  public ReplyErrorException(String message, int status) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of a failed Ajax POST, when there was one. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
