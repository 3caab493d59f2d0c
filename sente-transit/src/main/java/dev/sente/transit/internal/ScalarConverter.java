package dev.sente.transit.internal;

import com.cognitect.transit.Keyword;
import com.cognitect.transit.Named;
import com.cognitect.transit.Ratio;
import com.cognitect.transit.Symbol;
import com.cognitect.transit.TransitFactory;
import dev.sente.core.PackException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Date;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Converts one unpacked scalar (string, number, keyword, date ...) to a scalar Java type: the leaf
 * cases of {@link ValueConverter}.
 */
final class ScalarConverter {

  private static final Set<Class<?>> INTEGRAL =
      Set.of(Long.class, Integer.class, Short.class, Byte.class);

  private ScalarConverter() {}

  /** True when the (boxed) target type is a scalar this class converts to. */
  static boolean handles(Class<?> target) {
    return target == String.class
        || INTEGRAL.contains(target)
        || target == Double.class
        || target == Float.class
        || target == BigInteger.class
        || target == BigDecimal.class
        || target == Boolean.class
        || target == Character.class
        || target == UUID.class
        || target == Instant.class
        || target == Date.class
        || target == Keyword.class
        || target == Symbol.class
        || target == dev.sente.core.Keyword.class
        || target == dev.sente.core.Symbol.class
        || target == java.net.URI.class
        || target.isEnum()
        || (TemporalAccessor.class.isAssignableFrom(target) && target.getName().startsWith("java."))
        || (TemporalAmount.class.isAssignableFrom(target) && target.getName().startsWith("java."));
  }

  /** Converts a non-null value to a (boxed) scalar target accepted by {@link #handles}. */
  static Object convert(Object value, Class<?> target) {
    if (target.isInstance(value)) {
      return value;
    }
    if (target == String.class) {
      return toText(value);
    }
    if (INTEGRAL.contains(target) || target == BigInteger.class) {
      return toIntegral(value, target);
    }
    if (target == Double.class || target == Float.class || target == BigDecimal.class) {
      return toDecimal(value, target);
    }
    if (target == Boolean.class && value instanceof String s) {
      if (s.equals("true") || s.equals("false")) {
        return Boolean.valueOf(s);
      }
    } else if (target == Character.class && value instanceof String s && s.length() == 1) {
      return s.charAt(0);
    } else if (target == UUID.class && value instanceof String s) {
      return UUID.fromString(s);
    } else if (target == Instant.class || target == Date.class) {
      Instant instant = toInstant(value);
      return target == Date.class ? Date.from(instant) : instant;
    } else if (target == dev.sente.core.Keyword.class || target == dev.sente.core.Symbol.class) {
      String name = nameOf(value);
      if (name != null) {
        return sharedName(name, target);
      }
    } else if ((target == Keyword.class || target == Symbol.class) && value instanceof String s) {
      if (!s.isEmpty()) {
        return target == Keyword.class ? TransitFactory.keyword(s) : TransitFactory.symbol(s);
      }
    } else if (target == java.net.URI.class) {
      if (value instanceof com.cognitect.transit.URI u) {
        return java.net.URI.create(u.getValue());
      }
      if (value instanceof String s) {
        return java.net.URI.create(s);
      }
    } else if (target.isEnum()) {
      return toEnum(value, target);
    } else {
      return toTime(value, target);
    }
    throw cannot(value, target);
  }

  /** A keyword's or symbol's full name, {@code ns/name}. */
  static String fullName(Named named) {
    return named.getNamespace() == null
        ? named.getName()
        : named.getNamespace() + "/" + named.getName();
  }

  /** The name of a string, keyword or symbol (shared or transit-java's); null for the rest. */
  private static String nameOf(Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof dev.sente.core.Keyword k) {
      return k.name();
    }
    if (value instanceof dev.sente.core.Symbol s) {
      return s.name();
    }
    if (value instanceof Named n) {
      return fullName(n);
    }
    return value instanceof Symbol s ? s.getValue() : null;
  }

  private static Object sharedName(String name, Class<?> target) {
    boolean keyword = target == dev.sente.core.Keyword.class;
    if (keyword
        ? !dev.sente.core.Keyword.isValidName(name)
        : !dev.sente.core.Symbol.isValidName(name)) {
      throw new PackException(
          "\""
              + ValueLimits.shorten(name)
              + "\" is not a valid "
              + (keyword ? "keyword" : "symbol")
              + " name");
    }
    return keyword ? dev.sente.core.Keyword.of(name) : dev.sente.core.Symbol.of(name);
  }

  private static String toText(Object value) {
    if (value instanceof Named n) {
      return fullName(n);
    }
    if (value instanceof dev.sente.core.Keyword k) {
      return k.name();
    }
    if (value instanceof dev.sente.core.Symbol s) {
      return s.name();
    }
    if (value instanceof Symbol s) {
      return s.getValue();
    }
    if (value instanceof Character
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof UUID) {
      return value.toString();
    }
    throw cannot(value, String.class);
  }

  private static Object toIntegral(Object value, Class<?> target) {
    BigInteger big = exactInteger(value, target);
    if (target == BigInteger.class) {
      return big;
    }
    if (big.bitLength() > 63) {
      throw new PackException("Number out of range for " + target.getSimpleName());
    }
    long n = big.longValue();
    if (target == Long.class) {
      return n;
    }
    if (target == Integer.class && n == (int) n) {
      return (int) n;
    }
    if (target == Short.class && n == (short) n) {
      return (short) n;
    }
    if (target == Byte.class && n == (byte) n) {
      return (byte) n;
    }
    throw new PackException("Number " + n + " out of range for " + target.getSimpleName());
  }

  private static BigInteger exactInteger(Object value, Class<?> target) {
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return BigInteger.valueOf(((Number) value).longValue());
    }
    if (value instanceof Byte) {
      return BigInteger.valueOf((Byte) value);
    }
    if (value instanceof BigInteger b) {
      return b;
    }
    BigDecimal decimal;
    if (value instanceof BigDecimal d) {
      decimal = d;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw cannot(value, target);
      }
      decimal = BigDecimal.valueOf(d);
    } else if (value instanceof String s) {
      decimal = parseDecimal(s, target);
    } else if (value instanceof Ratio r) {
      BigInteger[] qr = r.getNumerator().divideAndRemainder(r.getDenominator());
      if (qr[1].signum() != 0) {
        throw new PackException("Ratio " + r + " is not a whole number");
      }
      return qr[0];
    } else {
      throw cannot(value, target);
    }
    BigDecimal whole = decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros();
    if (whole.scale() > 0) {
      throw new PackException("Not a whole number for " + target.getSimpleName());
    }
    if ((long) whole.precision() - whole.scale() > ValueLimits.MAX_NUMBER_LENGTH) {
      throw new PackException("Number too large for " + target.getSimpleName());
    }
    return whole.toBigIntegerExact();
  }

  private static Object toDecimal(Object value, Class<?> target) {
    BigDecimal decimal;
    if (value instanceof String s) {
      decimal = parseDecimal(s, target);
    } else if (value instanceof Ratio r) {
      decimal =
          new BigDecimal(r.getNumerator())
              .divide(new BigDecimal(r.getDenominator()), MathContext.DECIMAL128);
    } else if (value instanceof Number n && target != BigDecimal.class) {
      return target == Double.class ? n.doubleValue() : n.floatValue();
    } else if (value instanceof BigInteger b) {
      decimal = new BigDecimal(b);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw cannot(value, target);
      }
      decimal = BigDecimal.valueOf(d);
    } else if (value instanceof Number n) {
      decimal = BigDecimal.valueOf(n.longValue());
    } else {
      throw cannot(value, target);
    }
    if (target == BigDecimal.class) {
      return decimal;
    }
    return target == Double.class ? decimal.doubleValue() : decimal.floatValue();
  }

  private static BigDecimal parseDecimal(String s, Class<?> target) {
    if (s.length() > ValueLimits.MAX_NUMBER_LENGTH) {
      throw new PackException("Number text too long for " + target.getSimpleName());
    }
    try {
      BigDecimal d = new BigDecimal(s.trim());
      if (Math.abs((long) d.scale()) > ValueLimits.MAX_DECIMAL_SCALE) {
        throw new PackException("Number exponent out of range: " + s);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new PackException("Not a number: \"" + ValueLimits.shorten(s) + "\"", e);
    }
  }

  private static Instant toInstant(Object value) {
    if (value instanceof Date d) {
      return d.toInstant();
    }
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof Long || value instanceof Integer) {
      return Instant.ofEpochMilli(((Number) value).longValue());
    }
    if (value instanceof String s) {
      return Instant.parse(s);
    }
    throw cannot(value, Instant.class);
  }

  private static Object toEnum(Object value, Class<?> target) {
    String name;
    if (value instanceof Named n) {
      name = n.getName();
    } else if (value instanceof dev.sente.core.Keyword k) {
      name = k.localName();
    } else if (value instanceof dev.sente.core.Symbol s) {
      name = s.localName();
    } else if (value instanceof Symbol s) {
      name = s.getValue().substring(s.getValue().indexOf('/') + 1);
    } else if (value instanceof String s) {
      name = s;
    } else {
      throw cannot(value, target);
    }
    Object[] constants = target.getEnumConstants();
    for (Object c : constants) {
      if (((Enum<?>) c).name().equals(name)) {
        return c;
      }
    }
    String normal = name.replace('-', '_').toUpperCase(Locale.ROOT);
    for (Object c : constants) {
      if (((Enum<?>) c).name().toUpperCase(Locale.ROOT).equals(normal)) {
        return c;
      }
    }
    throw new PackException(
        "\"" + ValueLimits.shorten(name) + "\" is not a constant of " + target.getName());
  }

  private static Object toTime(Object value, Class<?> target) {
    if (value instanceof Date || value instanceof Instant) {
      Instant instant = toInstant(value);
      if (target == OffsetDateTime.class) {
        return instant.atOffset(ZoneOffset.UTC);
      }
      if (target == ZonedDateTime.class) {
        return instant.atZone(ZoneOffset.UTC);
      }
    }
    if (value instanceof String s) {
      try {
        Method parse = target.getMethod("parse", CharSequence.class);
        return parse.invoke(null, s);
      } catch (ReflectiveOperationException e) {
        throw new PackException(
            "Cannot read \"" + ValueLimits.shorten(s) + "\" as " + target.getSimpleName(),
            e.getCause() != null ? e.getCause() : e);
      }
    }
    throw cannot(value, target);
  }

  static PackException cannot(Object value, Class<?> target) {
    return new PackException(
        "Cannot convert " + ValueLimits.kind(value) + " to " + target.getTypeName());
  }
}
