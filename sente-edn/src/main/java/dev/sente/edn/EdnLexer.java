package dev.sente.edn;

import dev.sente.core.PackException;

/**
 * The character level of the EDN reader: position, errors, tokens, strings with their escapes and
 * character literals, as Clojure's reader reads them.
 */
abstract class EdnLexer {

  final String in;
  final int end;
  int pos;

  EdnLexer(String in) {
    this.in = in;
    this.end = in.length();
  }

  PackException error(String message, int at) {
    return new PackException("Malformed EDN: " + message + " at position " + at);
  }

  String readTokenText() {
    int from = pos;
    while (pos < end && !Names.endsToken(in.charAt(pos))) {
      pos++;
    }
    return in.substring(from, pos);
  }

  String string(int start) {
    pos++;
    StringBuilder out = null;
    int chunk = pos;
    while (true) {
      if (pos >= end) {
        throw error("end of input inside the string that starts", start);
      }
      char c = in.charAt(pos);
      if (c == '"') {
        String text =
            out == null ? in.substring(chunk, pos) : out.append(in, chunk, pos).toString();
        pos++;
        return text;
      }
      if (c == '\\') {
        if (out == null) {
          out = new StringBuilder(pos - chunk + 16);
        }
        out.append(in, chunk, pos);
        pos++;
        out.append(escape());
        chunk = pos;
      } else {
        pos++;
      }
    }
  }

  private char escape() {
    int at = pos - 1;
    if (pos >= end) {
      throw error("end of input in a string escape", at);
    }
    char e = in.charAt(pos++);
    switch (e) {
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'n':
        return '\n';
      case '\\':
        return '\\';
      case '"':
        return '"';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'u':
        if (pos + 4 > end || !EdnNumbers.isHex(in, pos, pos + 4)) {
          throw error("invalid unicode escape, expected \\u and 4 hex digits", at);
        }
        pos += 4;
        return (char) Integer.parseInt(in, pos - 4, pos, 16);
      default:
        if (e >= '0' && e <= '7') {
          int from = pos - 1;
          while (pos < end && pos - from < 3 && in.charAt(pos) >= '0' && in.charAt(pos) <= '7') {
            pos++;
          }
          int value = Integer.parseInt(in, from, pos, 8);
          if (value > 0377) {
            throw error("octal escape must be in range [0, 377]", at);
          }
          return (char) value;
        }
        throw error("unsupported escape character '\\" + e + "'", at);
    }
  }

  Character character(int start) {
    pos++;
    if (pos >= end) {
      throw error("end of input after '\\'", start);
    }
    int from = pos++;
    while (pos < end && !Names.endsToken(in.charAt(pos))) {
      pos++;
    }
    String token = in.substring(from, pos);
    if (token.length() == 1) {
      return token.charAt(0);
    }
    switch (token) {
      case "newline":
        return '\n';
      case "space":
        return ' ';
      case "tab":
        return '\t';
      case "backspace":
        return '\b';
      case "formfeed":
        return '\f';
      case "return":
        return '\r';
      default:
        break;
    }
    if (token.charAt(0) == 'u' && token.length() == 5 && EdnNumbers.isHex(token, 1, 5)) {
      char c = (char) Integer.parseInt(token, 1, 5, 16);
      if (!Character.isSurrogate(c)) {
        return c;
      }
    } else if (token.charAt(0) == 'o' && token.length() <= 4 && EdnNumbers.isOctal(token, 1)) {
      int value = Integer.parseInt(token, 1, token.length(), 8);
      if (value <= 0377) {
        return (char) value;
      }
    }
    throw error("unsupported character '\\" + EdnNumbers.shorten(token) + "'", start);
  }
}
