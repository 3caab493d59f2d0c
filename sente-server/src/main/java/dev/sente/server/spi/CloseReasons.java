package dev.sente.server.spi;

/**
 * For adapters: a WebSocket close reason cut to what a close frame may carry, 123 bytes of UTF-8
 * (RFC 6455), at a whole character.
 *
 * <pre>{@code
 * session.close(code, CloseReasons.fit(reason));
 * }</pre>
 */
public final class CloseReasons {

  /** The most bytes of UTF-8 a close frame's reason may have. */
  public static final int MAX_BYTES = 123;

  private CloseReasons() {}

  /**
   * The longest prefix of the reason that fits a close frame, whole characters only; "" for null.
   */
  public static String fit(String reason) {
    if (reason == null) {
      return "";
    }
    int bytes = 0;
    int i = 0;
    while (i < reason.length()) {
      int codePoint = reason.codePointAt(i);
      bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes > MAX_BYTES) {
        return reason.substring(0, i);
      }
      i += Character.charCount(codePoint);
    }
    return reason;
  }
}
