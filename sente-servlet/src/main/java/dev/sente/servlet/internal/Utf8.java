package dev.sente.servlet.internal;

/** UTF-8 lengths, counted without encoding. */
final class Utf8 {

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
}
