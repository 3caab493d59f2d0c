package dev.sente.core.internal;

/**
 * Makes text from outside (a client id, an event id, a parser message that quotes its input, a
 * query string, a header) safe to log: control characters are escaped, so that the text cannot end
 * the log line and start a forged one, and the text is cut to a bounded length. Not an API: shared
 * by Sente's own modules.
 *
 * <pre>{@code
 * LOG.warn("Dropped a malformed frame from client {}: {}", safe(clientId), safe(e.getMessage()));
 * safe("a\nb");           // a\nb (a backslash and an n: one line)
 * safe("x".repeat(250));  // 200 x, then ...(50 more)
 * }</pre>
 */
public final class Logs {

  /** How many characters of a value are kept; the rest is counted. */
  public static final int MAX_CHARS = 200;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Logs() {}

  /**
   * The value as one bounded line: {@code \n}, {@code \r}, {@code \t} and the backslash are written
   * as {@code \n}, {@code \r}, {@code \t}, {@code \\}; every other C0 or C1 control character, DEL,
   * the line and paragraph separators U+2028 and U+2029 and the bidirectional controls (U+061C,
   * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) as {@code \}{@code uXXXX}. Only the first
   * {@value #MAX_CHARS} characters are kept; a longer value ends with {@code ...(N more)}. Null
   * gives {@code null}.
   */
  public static String safe(Object value) {
    String text = String.valueOf(value);
    int length = text.length();
    int end = Math.min(length, MAX_CHARS);
    if (end < length && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--; // never cut a surrogate pair in two
    }
    int first = firstUnsafe(text, end);
    if (first == end && end == length) {
      return text;
    }
    StringBuilder out = new StringBuilder(end + 16);
    out.append(text, 0, first);
    for (int i = first; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (needsEscape(c)) {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    if (end < length) {
      out.append("...(").append(length - end).append(" more)");
    }
    return out.toString();
  }

  private static int firstUnsafe(String text, int end) {
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c == '\\' || needsEscape(c)) {
        return i;
      }
    }
    return end;
  }

  private static boolean needsEscape(char c) {
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true; // C0, DEL, C1 (NEL U+0085 among them)
    }
    return c == '\u2028'
        || c == '\u2029'
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
