package dev.sente.edn;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code #inst} text: RFC 3339 as Clojure prints and parses it. Written in UTC with the offset
 * {@code -00:00} and millisecond precision, like Clojure prints a {@code java.util.Date} ({@code
 * 2020-01-01T00:00:00.000-00:00}); an instant with sub-millisecond precision gets nine fraction
 * digits, like Clojure prints a {@code java.sql.Timestamp}. Read: every form Clojure's reader
 * accepts, from {@code 2020} to {@code 2020-01-01T10:00:00.123456789+05:30}.
 */
final class Insts {

  private static final Pattern FORM =
      Pattern.compile(
          "(\\d{4})(?:-(\\d\\d)(?:-(\\d\\d)(?:T(\\d\\d)(?::(\\d\\d)(?::(\\d\\d)(?:\\.(\\d+))?)?)?)?)?)?"
              + "(?:Z|([-+])(\\d\\d):(\\d\\d))?");

  private static final int MAX_LENGTH = 64;

  private Insts() {}

  /** The text of an instant; throws DateTimeException for years outside 0000 to 9999. */
  static String format(Instant instant) {
    LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      throw new DateTimeException("#inst years must be 0000 to 9999: " + instant);
    }
    StringBuilder out = new StringBuilder(32);
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2).append('T');
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2).append('.');
    int nanos = t.getNano();
    if (nanos % 1_000_000 == 0) {
      pad(out, nanos / 1_000_000, 3);
    } else {
      pad(out, nanos, 9);
    }
    return out.append("-00:00").toString();
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }

  /**
   * Parses {@code #inst} text; throws DateTimeException when it is not RFC 3339 or out of range.
   */
  static Instant parse(String text) {
    Matcher m = text.length() <= MAX_LENGTH ? FORM.matcher(text) : null;
    if (m == null || !m.matches()) {
      throw new DateTimeException("Unrecognized #inst syntax: " + text);
    }
    int year = Integer.parseInt(m.group(1));
    int month = intOr(m.group(2), 1);
    int day = intOr(m.group(3), 1);
    int hour = intOr(m.group(4), 0);
    int minute = intOr(m.group(5), 0);
    int second = intOr(m.group(6), 0);
    int nanos = fraction(m.group(7));
    int offsetSeconds = 0;
    if (m.group(8) != null) {
      int offHours = Integer.parseInt(m.group(9));
      int offMinutes = Integer.parseInt(m.group(10));
      if (offHours > 23 || offMinutes > 59) {
        throw new DateTimeException("#inst offset out of range: " + text);
      }
      offsetSeconds = (offHours * 3600 + offMinutes * 60) * (m.group(8).equals("-") ? -1 : 1);
    }
    // A leap second (only after minute 59, as Clojure allows) is the first second of the next
    // minute.
    boolean leap = second == 60 && minute == 59;
    LocalDateTime local =
        LocalDateTime.of(year, month, day, hour, minute, leap ? 59 : second, nanos);
    Instant instant = local.toInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
    return leap ? instant.plusSeconds(1) : instant;
  }

  private static int intOr(String digits, int absent) {
    return digits == null ? absent : Integer.parseInt(digits);
  }

  private static int fraction(String digits) {
    if (digits == null) {
      return 0;
    }
    String nine = digits.length() >= 9 ? digits.substring(0, 9) : digits + "000000000";
    return Integer.parseInt(nine.substring(0, 9));
  }
}
