package dev.sente.servlet.internal;

/** UTF-8 lengths, counted without encoding. */
final class Utf8 {

  /** Close reasons are limited to 123 bytes of UTF-8 by RFC 6455. */
  private static final int MAX_REASON_BYTES = 123;

  private Utf8() {}

  /** The UTF-8 length of the text; a surrogate counts 2 (a pair 4), also split across parts. */
  static int length(CharSequence s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  /** The reason cut to the longest prefix that fits a close frame; "" for null. */
  static String closeReason(String reason) {
    if (reason == null) {
      return "";
    }
    int bytes = 0;
    int i = 0;
    while (i < reason.length()) {
      int codePoint = reason.codePointAt(i);
      bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (bytes > MAX_REASON_BYTES) {
        return reason.substring(0, i);
      }
      i += Character.charCount(codePoint);
    }
    return reason;
  }
}
