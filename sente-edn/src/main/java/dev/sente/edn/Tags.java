package dev.sente.edn;

import dev.sente.core.PackException;
import java.time.DateTimeException;
import java.util.UUID;
import java.util.function.Function;

/**
 * Tagged literals: the application's tag readers first, then the built-in {@code #inst} and {@code
 * #uuid}, then the default tag reader; an unknown tag is a {@link PackException}.
 */
final class Tags {

  private Tags() {}

  private static PackException error(int at, String message) {
    return new PackException("Malformed EDN: " + message + " at position " + at);
  }

  static Object read(Options options, String tag, Object value, int start) {
    Function<Object, ?> reader = options.tagReaders().get(tag);
    try {
      if (reader != null) {
        return reader.apply(value);
      }
      if (tag.equals("inst") && value instanceof String text) {
        return Insts.parse(text);
      }
      if (tag.equals("uuid") && value instanceof String text) {
        if (!isUuid(text)) {
          throw error(start, "invalid #uuid \"" + EdnNumbers.shorten(text) + "\"");
        }
        return UUID.fromString(text);
      }
      if (tag.equals("inst") || tag.equals("uuid")) {
        throw error(start, "#" + tag + " expects a string");
      }
      if (options.defaultTagReader() != null) {
        return options.defaultTagReader().apply(tag, value);
      }
    } catch (PackException e) {
      throw e;
    } catch (DateTimeException e) {
      throw error(start, "invalid #" + tag + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new PackException(
          "Malformed EDN: the reader for #" + tag + " failed at position " + start + ": " + e, e);
    }
    throw error(start, "no reader function for tag #" + tag);
  }

  /** The canonical 8-4-4-4-12 hex form only (UUID.fromString alone accepts "1-1-1-1-1"). */
  private static boolean isUuid(String text) {
    if (text.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      char c = text.charAt(i);
      if (dash ? c != '-' : !EdnNumbers.isHexDigit(c)) {
        return false;
      }
    }
    return true;
  }
}
