package dev.sente.core;

/**
 * The root of every exception this library throws. It is unchecked: runtime conditions (a closed
 * connection, a full queue) are reported through return values and failed {@code CompletionStage}s,
 * so an exception means a programming error or input that could not be read.
 */
public class SenteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SenteException(String message) {
    super(message);
  }

  public SenteException(String message, Throwable cause) {
    super(message, cause);
  }
}
