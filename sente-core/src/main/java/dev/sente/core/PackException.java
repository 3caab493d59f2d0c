package dev.sente.core;

/**
 * A value could not be packed, or packed input could not be read (malformed, too deeply nested,
 * wrong shape). Every {@link Packer} reports failures with this exception and nothing else.
 */
public class PackException extends SenteException {
  private static final long serialVersionUID = 1L;

  public PackException(String message) {
    super(message);
  }

  public PackException(String message, Throwable cause) {
    super(message, cause);
  }
}
