package dev.sente.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EDN number tokens, with Clojure's grammar: integers (decimal, {@code 0x} hex, {@code 0} octal,
 * {@code NNr} radix, {@code N} suffix), ratios, floating point and {@code M} decimals. Integers are
 * {@link Long} when they fit and {@link BigInteger} otherwise or with {@code N}. Failures are
 * IllegalArgumentException or ArithmeticException with a message; the reader adds the position.
 */
final class EdnNumbers {

  private static final Pattern INT =
      Pattern.compile(
          "([-+]?)(?:(0)|([1-9][0-9]*)|0[xX]([0-9A-Fa-f]+)|0([0-7]+)|([1-9][0-9]?)[rR]([0-9A-Za-z]+)"
              + "|0[0-7]*[89][0-9]*)(N)?");
  private static final Pattern RATIO = Pattern.compile("([-+]?[0-9]+)/([0-9]+)");
  private static final Pattern FLOAT =
      Pattern.compile("([-+]?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?)(M)?");

  private EdnNumbers() {}

  /** Parses a number token; {@code maxLength} bounds its characters and a decimal's exponent. */
  static Object parse(String token, int maxLength) {
    if (token.length() > maxLength) {
      throw new IllegalArgumentException(
          "number of " + token.length() + " characters is longer than the limit of " + maxLength);
    }
    Long simple = simpleLong(token);
    if (simple != null) {
      return simple;
    }
    Matcher m = INT.matcher(token);
    if (m.matches()) {
      return integer(m, token);
    }
    m = RATIO.matcher(token);
    if (m.matches()) {
      BigInteger denominator = new BigInteger(m.group(2));
      if (denominator.signum() == 0) {
        throw new ArithmeticException("divide by zero in " + shorten(token));
      }
      Ratio ratio = new Ratio(new BigInteger(m.group(1)), denominator);
      return ratio.denominator().equals(BigInteger.ONE) ? narrow(ratio.numerator()) : ratio;
    }
    m = FLOAT.matcher(token);
    if (m.matches()) {
      if (m.group(4) == null) {
        return Double.parseDouble(m.group(1));
      }
      BigDecimal decimal = new BigDecimal(m.group(1));
      if (Math.abs((long) decimal.scale()) > maxLength) {
        throw new IllegalArgumentException(
            "decimal exponent is beyond the limit of " + maxLength + " in " + shorten(token));
      }
      return decimal;
    }
    throw new IllegalArgumentException("invalid number '" + shorten(token) + "'");
  }

  /** The fast path: an optionally signed decimal of at most 18 digits. */
  private static Long simpleLong(String token) {
    int from = token.charAt(0) == '-' || token.charAt(0) == '+' ? 1 : 0;
    int digits = token.length() - from;
    if (digits == 0 || digits > 18 || (token.charAt(from) == '0' && digits > 1)) {
      return null;
    }
    for (int i = from; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(token);
  }

  private static Object integer(Matcher m, String token) {
    boolean big = m.group(8) != null;
    if (m.group(2) != null) {
      return big ? BigInteger.ZERO : (Object) 0L;
    }
    String digits;
    int radix;
    if (m.group(3) != null) {
      digits = m.group(3);
      radix = 10;
    } else if (m.group(4) != null) {
      digits = m.group(4);
      radix = 16;
    } else if (m.group(5) != null) {
      digits = m.group(5);
      radix = 8;
    } else if (m.group(7) != null) {
      digits = m.group(7);
      radix = Integer.parseInt(m.group(6));
      if (radix < 2 || radix > 36) {
        throw new IllegalArgumentException("radix out of range in " + shorten(token));
      }
    } else {
      throw new IllegalArgumentException("invalid number '" + shorten(token) + "'");
    }
    BigInteger value;
    try {
      value = new BigInteger(digits, radix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid number '" + shorten(token) + "'");
    }
    if (m.group(1).equals("-")) {
      value = value.negate();
    }
    return big ? value : narrow(value);
  }

  /** A Long when the integer fits, otherwise the BigInteger itself. */
  static Object narrow(BigInteger value) {
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  static boolean isHex(CharSequence text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isHexDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static boolean isOctal(CharSequence text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return from < text.length();
  }

  /** A token cut to 40 characters for an error message. */
  static String shorten(String token) {
    return token.length() > 40 ? token.substring(0, 40) + "..." : token;
  }
}
