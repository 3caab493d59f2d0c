package dev.sente.transit.internal;

/** The bounds every reader and converter applies, and short descriptions for error messages. */
final class ValueLimits {

  /** The longest number text read or converted (digits), as Jackson's own default. */
  static final int MAX_NUMBER_LENGTH = 1000;

  /** The largest decimal exponent read, so that no later conversion builds a giant number. */
  static final int MAX_DECIMAL_SCALE = 10_000;

  private ValueLimits() {}

  /** A string cut to 100 characters for an error message. */
  static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** The kind of a value for an error message: its class, never its content. */
  static String kind(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }
}
