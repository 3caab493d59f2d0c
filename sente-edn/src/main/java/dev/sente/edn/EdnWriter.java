package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a Java value as EDN text exactly as Clojure's {@code pr-str} prints the equivalent Clojure
 * value: one space between elements, {@code ", "} between map entries, strings escaped like
 * Clojure's printer. One instance writes one value; it is not thread-safe.
 */
final class EdnWriter {

  /**
   * The package of transit-java's values (its keywords, symbols, tagged values), which would
   * otherwise be written as maps of their getters.
   */
  private static final String TRANSIT_JAVA = "com.cognitect.transit.";

  private final Options options;
  private final ClassValue<Optional<Options.WriterHook>> hooks;
  private final StringBuilder out = new StringBuilder(64);

  private EdnWriter(Options options, ClassValue<Optional<Options.WriterHook>> hooks) {
    this.options = options;
    this.hooks = hooks;
  }

  static String write(
      Object value, Options options, ClassValue<Optional<Options.WriterHook>> hooks) {
    EdnWriter writer = new EdnWriter(options, hooks);
    writer.value(value, 0);
    return writer.out.toString();
  }

  private void value(Object v, int depth) {
    if (depth > options.maxDepth()) {
      throw new PackException(
          "Cannot pack a value nested deeper than " + options.maxDepth() + " levels (cyclic?)");
    }
    if (v == null) {
      out.append("nil");
      return;
    }
    Optional<Options.WriterHook> hook = hooks.get(v.getClass());
    if (hook.isPresent()) {
      hooked(hook.get(), v, depth);
    } else if (v instanceof String s) {
      string(s);
    } else if (v instanceof Keyword k) {
      out.append(':').append(k.name());
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Boolean
        || v instanceof Short
        || v instanceof Byte) {
      out.append(v);
    } else if (v instanceof Double d) {
      floating(d);
    } else if (v instanceof Map<?, ?> m) {
      map(m, depth);
    } else if (v instanceof EdnList l) {
      sequence("(", l, ")", depth);
    } else if (v instanceof List<?> l) {
      sequence("[", l, "]", depth);
    } else if (v instanceof Set<?> s) {
      sequence("#{", s, "}", depth);
    } else if (!scalar(v)) {
      composite(v, depth);
    }
  }

  private void hooked(Options.WriterHook hook, Object v, int depth) {
    Object replacement;
    try {
      replacement = hook.toValue().apply(v);
    } catch (PackException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PackException("The EDN writer for " + hook.type().getName() + " failed: " + e, e);
    }
    if (hook.tag() != null) {
      out.append('#').append(hook.tag()).append(' ');
    }
    value(replacement, depth + 1);
  }

  /** Writes the less common atoms; false when the value is none of them. */
  private boolean scalar(Object v) {
    if (v instanceof Float f) {
      floating(f);
    } else if (v instanceof BigInteger b) {
      out.append(b).append('N');
    } else if (v instanceof BigDecimal b) {
      out.append(b).append('M');
    } else if (v instanceof Ratio r && r.denominator().equals(BigInteger.ONE)) {
      // Clojure reads n/1 as the integer n, and prints it so.
      out.append(r.numerator()).append(r.numerator().bitLength() < 64 ? "" : "N");
    } else if (v instanceof Symbol || v instanceof Ratio) {
      out.append(v);
    } else if (v instanceof Character c) {
      character(c);
    } else if (v instanceof UUID u) {
      out.append("#uuid \"").append(u).append('"');
    } else if (v instanceof Instant i) {
      inst(i);
    } else if (v instanceof Date d) {
      inst(d.toInstant());
    } else if (v instanceof OffsetDateTime t) {
      inst(t.toInstant());
    } else if (v instanceof ZonedDateTime t) {
      inst(t.toInstant());
    } else if (v instanceof Enum<?> e) {
      out.append(':').append(e.name());
    } else if (v instanceof AtomicInteger || v instanceof AtomicLong) {
      out.append(((Number) v).longValue());
    } else if (v instanceof CharSequence
        || v instanceof TemporalAccessor
        || v instanceof TemporalAmount
        || v instanceof ZoneId
        || v instanceof URI
        || v instanceof Path) {
      string(v.toString());
    } else {
      return false;
    }
    return true;
  }

  private void composite(Object v, int depth) {
    if (v instanceof TaggedValue t) {
      out.append('#').append(t.tag()).append(' ');
      value(t.value(), depth + 1);
    } else if (v instanceof Optional<?> o) {
      value(o.orElse(null), depth + 1);
    } else if (v instanceof OptionalInt o) {
      value(o.isPresent() ? o.getAsInt() : null, depth);
    } else if (v instanceof OptionalLong o) {
      value(o.isPresent() ? o.getAsLong() : null, depth);
    } else if (v instanceof OptionalDouble o) {
      value(o.isPresent() ? o.getAsDouble() : null, depth);
    } else if (v.getClass().isArray()) {
      array(v, depth);
    } else if (v instanceof Collection<?> c) {
      sequence("[", c, "]", depth);
    } else {
      bean(v, depth);
    }
  }

  private void bean(Object v, int depth) {
    Class<?> type = v.getClass();
    if (type.getName().startsWith(TRANSIT_JAVA)) {
      throw new PackException(
          "Cannot pack a "
              + type.getName()
              + " as EDN: it is a transit-java value; use dev.sente.core.Keyword and"
              + " dev.sente.core.Symbol, which every packer writes, or register a writer with"
              + " EdnPacker.builder().writer(..)");
    }
    List<Beans.Getter> getters = Beans.isPlatformClass(type) ? List.of() : Beans.getters(type);
    if (getters.isEmpty() && !type.isRecord()) {
      throw new PackException(
          "Cannot pack a "
              + type.getName()
              + " as EDN: it is not a record and has no public getters; register a writer with"
              + " EdnPacker.builder().writer(..)");
    }
    out.append('{');
    boolean first = true;
    for (Beans.Getter g : getters) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append(':').append(g.name()).append(' ');
      value(g.get(v), depth + 1);
    }
    out.append('}');
  }

  private void map(Map<?, ?> map, int depth) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      Object key = e.getKey();
      if (options.stringKeysAsKeywords() && key instanceof String s && Keyword.isValidName(s)) {
        out.append(':').append(s);
      } else {
        value(key, depth + 1);
      }
      out.append(' ');
      value(e.getValue(), depth + 1);
    }
    out.append('}');
  }

  private void sequence(String open, Iterable<?> items, String close, int depth) {
    out.append(open);
    Iterator<?> it = items.iterator();
    while (it.hasNext()) {
      value(it.next(), depth + 1);
      if (it.hasNext()) {
        out.append(' ');
      }
    }
    out.append(close);
  }

  private void array(Object array, int depth) {
    out.append('[');
    int length = Array.getLength(array);
    for (int i = 0; i < length; i++) {
      if (i > 0) {
        out.append(' ');
      }
      value(Array.get(array, i), depth + 1);
    }
    out.append(']');
  }

  /** Doubles and floats as Clojure prints them: Java's own text, or ##NaN, ##Inf, ##-Inf. */
  private void floating(Number number) {
    double d = number.doubleValue();
    if (Double.isNaN(d)) {
      out.append("##NaN");
    } else if (d == Double.POSITIVE_INFINITY) {
      out.append("##Inf");
    } else if (d == Double.NEGATIVE_INFINITY) {
      out.append("##-Inf");
    } else {
      out.append(number);
    }
  }

  private void inst(Instant instant) {
    try {
      out.append("#inst \"").append(Insts.format(instant)).append('"');
    } catch (DateTimeException e) {
      throw new PackException("Cannot pack " + instant + ": " + e.getMessage());
    }
  }

  private void string(String s) {
    out.append('"');
    int chunk = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escape =
          switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> null;
          };
      if (escape != null) {
        out.append(s, chunk, i).append(escape);
        chunk = i + 1;
      }
    }
    out.append(s, chunk, s.length()).append('"');
  }

  private void character(char c) {
    String name =
        switch (c) {
          case '\n' -> "newline";
          case ' ' -> "space";
          case '\t' -> "tab";
          case '\b' -> "backspace";
          case '\f' -> "formfeed";
          case '\r' -> "return";
          default -> null;
        };
    out.append('\\');
    if (name != null) {
      out.append(name);
    } else if (Character.isISOControl(c)
        || Character.isSurrogate(c)
        || Character.isWhitespace(c)
        || Character.isSpaceChar(c)) {
      // Clojure prints these raw; \\uXXXX reads back the same and survives any transport.
      out.append(String.format("u%04x", (int) c));
    } else {
      out.append(c);
    }
  }
}
