package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/** Conversions between single values: numbers, text, keywords, enums, UUIDs and instants. */
final class Scalars {

  /** Returned when the target type is not one this class converts to. */
  static final Object NO = new Object();

  private static final Map<Class<?>, Class<?>> BOXES =
      Map.of(
          int.class,
          Integer.class,
          long.class,
          Long.class,
          double.class,
          Double.class,
          boolean.class,
          Boolean.class,
          char.class,
          Character.class,
          short.class,
          Short.class,
          byte.class,
          Byte.class,
          float.class,
          Float.class);

  private static final Map<Class<?>, Object> ZEROS =
      Map.of(
          int.class,
          0,
          long.class,
          0L,
          double.class,
          0.0,
          boolean.class,
          false,
          char.class,
          '\0',
          short.class,
          (short) 0,
          byte.class,
          (byte) 0,
          float.class,
          0.0f);

  private Scalars() {}

  static Class<?> box(Class<?> primitive) {
    return BOXES.get(primitive);
  }

  /** The value a missing primitive record component gets: 0 or false. */
  static Object zero(Class<?> primitive) {
    return ZEROS.get(primitive);
  }

  /** Converts a non-null value to a non-primitive target, or returns {@link #NO}. */
  static Object convert(Object v, Class<?> c) {
    if (c == String.class) {
      return text(v);
    }
    if (Number.class.isAssignableFrom(c) || c == Ratio.class) {
      return v instanceof Number || v instanceof Ratio ? number(v, c) : fromString(v, c);
    }
    if (c == Character.class || c == Boolean.class) {
      return c == Character.class && v instanceof String s && s.length() == 1 ? s.charAt(0) : NO;
    }
    if (c.isEnum()) {
      return enumConstant(v, c);
    }
    try {
      if (c == Keyword.class && (v instanceof String || v instanceof Symbol)) {
        return Keyword.of(v.toString());
      }
      if (c == Symbol.class && (v instanceof String || v instanceof Keyword)) {
        return Symbol.of(v instanceof Keyword k ? k.name() : v.toString());
      }
      if (c == UUID.class && v instanceof String s) {
        return UUID.fromString(s);
      }
      Instant instant = instant(v);
      if (instant != null) {
        return instantAs(instant, c);
      }
    } catch (IllegalArgumentException | DateTimeException e) {
      throw cannot(v, c, e.getMessage());
    }
    return fromString(v, c);
  }

  private static Object text(Object v) {
    if (v instanceof Keyword k) {
      return k.name();
    }
    if (v instanceof Instant i) {
      return i.toString();
    }
    if (v instanceof Symbol
        || v instanceof Character
        || v instanceof UUID
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof Ratio
        || v instanceof CharSequence
        || v instanceof Enum<?>) {
      return v.toString();
    }
    return NO;
  }

  private static Instant instant(Object v) {
    if (v instanceof Instant i) {
      return i;
    } else if (v instanceof Date d) {
      return d.toInstant();
    } else if (v instanceof OffsetDateTime t) {
      return t.toInstant();
    } else if (v instanceof ZonedDateTime t) {
      return t.toInstant();
    }
    return null;
  }

  private static Object instantAs(Instant instant, Class<?> c) {
    if (c == Instant.class) {
      return instant;
    } else if (c == Date.class) {
      return Date.from(instant);
    } else if (c == OffsetDateTime.class) {
      return instant.atOffset(ZoneOffset.UTC);
    } else if (c == ZonedDateTime.class) {
      return instant.atZone(ZoneOffset.UTC);
    }
    return NO;
  }

  /** {@code parse(CharSequence)}, {@code valueOf(String)} or a String constructor of the target. */
  private static Object fromString(Object v, Class<?> c) {
    if (!(v instanceof String s)) {
      return NO;
    }
    if (c == Instant.class) {
      try {
        return Insts.parse(s);
      } catch (DateTimeException e) {
        // Also accept Instant.parse's forms, below.
      }
    }
    try {
      for (Method m : c.getMethods()) {
        boolean factory =
            Modifier.isStatic(m.getModifiers())
                && m.getParameterCount() == 1
                && c.isAssignableFrom(m.getReturnType())
                && ((m.getName().equals("parse") && m.getParameterTypes()[0] == CharSequence.class)
                    || (m.getName().equals("valueOf") && m.getParameterTypes()[0] == String.class));
        if (factory) {
          return m.invoke(null, s);
        }
      }
      Constructor<?> constructor = c.getConstructor(String.class);
      return constructor.newInstance(s);
    } catch (NoSuchMethodException e) {
      return NO;
    } catch (InvocationTargetException e) {
      throw cannot(v, c, String.valueOf(e.getCause()));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw cannot(v, c, e.toString());
    }
  }

  private static Object enumConstant(Object v, Class<?> c) {
    String name =
        v instanceof Keyword k
            ? k.localName()
            : v instanceof Symbol s ? s.localName() : v instanceof String s ? s : null;
    if (name == null) {
      return NO;
    }
    Object[] constants = c.getEnumConstants();
    for (Object constant : constants) {
      if (((Enum<?>) constant).name().equals(name)) {
        return constant;
      }
    }
    String wanted = name.replace('-', '_');
    for (Object constant : constants) {
      if (((Enum<?>) constant).name().equalsIgnoreCase(wanted)) {
        return constant;
      }
    }
    throw cannot(v, c, "no such constant");
  }

  private static Object number(Object v, Class<?> c) {
    if (c.isInstance(v)) {
      return v;
    }
    if (c == Double.class || c == Float.class) {
      double d = v instanceof Ratio r ? r.doubleValue() : ((Number) v).doubleValue();
      return c == Double.class ? (Object) d : (Object) (float) d;
    }
    if (c == BigDecimal.class) {
      return decimal(v, c);
    }
    if (c == Ratio.class) {
      return new Ratio(integral(v, c), BigInteger.ONE);
    }
    if (c == Number.class) {
      return v instanceof Number ? v : NO;
    }
    if (c != BigInteger.class
        && c != Long.class
        && c != Integer.class
        && c != Short.class
        && c != Byte.class) {
      return NO;
    }
    BigInteger exact = integral(v, c);
    if (c == BigInteger.class) {
      return exact;
    }
    int bits = c == Long.class ? 64 : c == Integer.class ? 32 : c == Short.class ? 16 : 8;
    if (exact.bitLength() >= bits) {
      throw cannot(v, c, "out of range");
    }
    long x = exact.longValue();
    return c == Long.class
        ? (Object) x
        : c == Integer.class ? (Object) (int) x : c == Short.class ? (short) x : (Object) (byte) x;
  }

  private static BigDecimal decimal(Object v, Class<?> c) {
    if (v instanceof BigInteger b) {
      return new BigDecimal(b);
    } else if (v instanceof Ratio r) {
      return r.toBigDecimal(MathContext.DECIMAL128);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw cannot(v, c, "not finite");
      }
      return new BigDecimal(v.toString());
    }
    return BigDecimal.valueOf(((Number) v).longValue());
  }

  /** The exact integer value, refusing fractions and numbers of more than 10,000 digits. */
  private static BigInteger integral(Object v, Class<?> c) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger b) {
      return b;
    }
    BigDecimal d;
    if (v instanceof BigDecimal b) {
      d = b;
    } else if (v instanceof Double || v instanceof Float) {
      double x = ((Number) v).doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw cannot(v, c, "not finite");
      }
      d = new BigDecimal(x);
    } else if (v instanceof Number n) {
      return BigInteger.valueOf(n.longValue());
    } else {
      throw cannot(v, c, "not an integer");
    }
    if ((long) d.precision() - d.scale() > EdnPacker.DEFAULT_MAX_NUMBER_DIGITS) {
      throw cannot(v, c, "out of range");
    }
    try {
      return d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw cannot(v, c, "not an integer");
    }
  }

  static PackException cannot(Object v, Class<?> c, String why) {
    String shown = EdnNumbers.shorten(String.valueOf(v));
    String type = v == null ? "nil" : v.getClass().getSimpleName();
    return new PackException(
        "Cannot convert " + type + " " + shown + " to " + c.getName() + ": " + why);
  }
}
