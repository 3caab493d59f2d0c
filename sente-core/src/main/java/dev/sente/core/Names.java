package dev.sente.core;

/**
 * The rules for keyword and symbol names, which are Clojure's reader rules: a name every packer
 * writes must read back in Clojure, ClojureScript and EDN.
 */
final class Names {

  /** Characters that end a token in Clojure's reader: its terminating macro characters. */
  private static final String TERMINATORS = "\";^()[]{}\\";

  private Names() {}

  private static boolean endsToken(char c) {
    return Character.isWhitespace(c) || c == ',' || TERMINATORS.indexOf(c) >= 0;
  }

  /**
   * Why a name (without the keyword's colon) cannot be printed readably, or null when it can. The
   * rules follow Clojure's reader: no whitespace or delimiters, no {@code ::}, no trailing colon,
   * both halves of {@code ns/name} non-empty; symbols cannot look like numbers, dispatches or the
   * literals nil/true/false.
   */
  static String invalidReason(String name, boolean keyword) {
    if (name.isEmpty()) {
      return "empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (endsToken(c) || Character.isISOControl(c)) {
        return "contains a whitespace, control or delimiter character";
      }
    }
    if (name.contains("::") || name.endsWith(":") || (keyword && name.startsWith(":"))) {
      return "misplaced ':'";
    }
    if (!name.equals("/")) {
      int first = name.indexOf('/');
      int last = name.lastIndexOf('/');
      if (first == 0 || last == name.length() - 1 || name.contains("//")) {
        return "empty namespace or name around '/'";
      }
      if (last > 0 && Character.isDigit(name.charAt(last + 1))) {
        return "name part starts with a digit";
      }
    }
    if (!keyword) {
      char c = name.charAt(0);
      boolean signedDigit =
          (c == '+' || c == '-') && name.length() > 1 && Character.isDigit(name.charAt(1));
      if (Character.isDigit(c) || signedDigit) {
        return "looks like a number";
      }
      if ("#:@`~".indexOf(c) >= 0) {
        return "invalid leading character '" + c + "'";
      }
      if (name.equals("nil") || name.equals("true") || name.equals("false")) {
        return "reserved literal";
      }
    }
    return null;
  }

  /** The namespace part of a name ({@code chat} for {@code chat/send}), or null. */
  static String namespace(String name) {
    int slash = name.indexOf('/');
    return slash <= 0 ? null : name.substring(0, slash);
  }

  /** The part after the namespace ({@code send} for {@code chat/send}). */
  static String localName(String name) {
    int slash = name.indexOf('/');
    return slash <= 0 ? name : name.substring(slash + 1);
  }

  /** Joins a namespace and a name, checking that neither part contains a slash. */
  static String join(String namespace, String name) {
    if (namespace.isEmpty() || namespace.indexOf('/') >= 0 || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "Namespace and name must be non-empty and contain no '/': " + namespace + ", " + name);
    }
    return namespace + "/" + name;
  }
}
