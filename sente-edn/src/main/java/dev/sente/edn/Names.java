package dev.sente.edn;

/**
 * The lexical rules of EDN tokens that Clojure's reader and printer share. The rules for keyword
 * and symbol names are {@link dev.sente.core.Keyword#isValidName} and {@link
 * dev.sente.core.Symbol#isValidName}.
 */
final class Names {

  /** Characters that end a token: Clojure's terminating reader macros. */
  private static final String TERMINATORS = "\";^()[]{}\\";

  private Names() {}

  /** Whitespace as the EDN reader sees it: Java whitespace and the comma. */
  static boolean isWhitespace(char c) {
    return Character.isWhitespace(c) || c == ',';
  }

  /** True for characters that end a token (whitespace or a terminating macro character). */
  static boolean endsToken(char c) {
    return isWhitespace(c) || TERMINATORS.indexOf(c) >= 0;
  }
}
