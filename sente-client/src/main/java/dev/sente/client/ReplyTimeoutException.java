package dev.sente.client;

import dev.sente.core.SenteException;

/**
 * No reply arrived within the request's timeout, or the server gave up waiting for its handler
 * (Sente's {@code :chsk/timeout}).
 *
 * <pre>{@code
 * client.request("slow/op", null, Duration.ofSeconds(1))
 *     .exceptionally(e -> e.getCause() instanceof ReplyTimeoutException ? fallback : null);
 * }</pre>
 */
public class ReplyTimeoutException extends SenteException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public ReplyTimeoutException(String message) {
    super(message);
  }
}
