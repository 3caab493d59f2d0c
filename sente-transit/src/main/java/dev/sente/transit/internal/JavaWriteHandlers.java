package dev.sente.transit.internal;

import com.cognitect.transit.WriteHandler;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The write handlers this module adds to transit-java's own: the shared {@link Keyword} and {@link
 * Symbol} as Transit keywords and symbols ({@code "~:ok"}, {@code "~$f"}), every {@code List} as an
 * array (transit-java writes a {@code LinkedList} as {@code ~#list}), {@code Instant}, {@code
 * OffsetDateTime} and {@code ZonedDateTime} as {@code ~m} milliseconds like {@code Date}, enums as
 * keywords of their name ({@code :ACTIVE}, as the EDN packer), other {@code java.time} values as
 * ISO strings, other {@code Number}s as integers or doubles; and the fallback handler that writes
 * records and POJOs as maps with keyword keys and other collections as arrays.
 */
final class JavaWriteHandlers {

  private JavaWriteHandlers() {}

  /** Unwraps {@code Optional} wherever it appears: its value, or null. */
  static final Function<Object, Object> UNWRAP_OPTIONAL =
      o -> o instanceof Optional<?> opt ? opt.orElse(null) : o;

  /** The handlers by class, to merge over transit-java's defaults. */
  @SuppressWarnings("rawtypes")
  static Map<Class, WriteHandler<?, ?>> handlers() {
    Map<Class, WriteHandler<?, ?>> map = new HashMap<>();
    map.put(List.class, new Handler("array", o -> o, o -> null));
    map.put(
        Instant.class,
        new Handler(
            "m",
            o -> ((Instant) o).toEpochMilli(),
            o -> Long.toString(((Instant) o).toEpochMilli())));
    map.put(Enum.class, new Handler(":", o -> ((Enum<?>) o).name(), o -> ((Enum<?>) o).name()));
    map.put(Keyword.class, new Handler(":", o -> ((Keyword) o).name(), o -> ((Keyword) o).name()));
    map.put(Symbol.class, new Handler("$", o -> ((Symbol) o).name(), o -> ((Symbol) o).name()));
    Handler instant =
        new Handler(
            "m",
            o -> Instant.from((TemporalAccessor) o).toEpochMilli(),
            o -> Long.toString(Instant.from((TemporalAccessor) o).toEpochMilli()));
    map.put(OffsetDateTime.class, instant);
    map.put(ZonedDateTime.class, instant);
    map.put(Number.class, new NumberHandler());
    Handler text = new Handler("s", Object::toString, Object::toString);
    for (Class<?> c :
        List.of(
            LocalDate.class,
            LocalDateTime.class,
            LocalTime.class,
            OffsetTime.class,
            Year.class,
            YearMonth.class,
            MonthDay.class,
            Duration.class,
            Period.class,
            ZoneId.class)) {
      map.put(c, text);
    }
    return map;
  }

  /** The handler for every class without one: records and POJOs, other collections. */
  static WriteHandler<Object, Object> fallback() {
    return new Fallback();
  }

  /** A fixed tag with a representation and a string representation. */
  private record Handler(String tag, Function<Object, Object> rep, Function<Object, String> text)
      implements WriteHandler<Object, Object> {
    @Override
    public String tag(Object o) {
      return tag;
    }

    @Override
    public Object rep(Object o) {
      return rep.apply(o);
    }

    @Override
    public String stringRep(Object o) {
      return text.apply(o);
    }

    @Override
    public <V> WriteHandler<Object, V> getVerboseHandler() {
      return null;
    }
  }

  /** Numbers transit-java does not know (AtomicLong, LongAdder ...): integer or double. */
  private static final class NumberHandler implements WriteHandler<Object, Object> {
    private static boolean integral(Object o) {
      return o instanceof AtomicInteger
          || o instanceof AtomicLong
          || o instanceof LongAdder
          || o instanceof LongAccumulator;
    }

    @Override
    public String tag(Object o) {
      return integral(o) ? "i" : "d";
    }

    @Override
    public Object rep(Object o) {
      return integral(o) ? (Object) ((Number) o).longValue() : (Object) ((Number) o).doubleValue();
    }

    @Override
    public String stringRep(Object o) {
      return String.valueOf(rep(o));
    }

    @Override
    public <V> WriteHandler<Object, V> getVerboseHandler() {
      return null;
    }
  }

  private static final class Fallback implements WriteHandler<Object, Object> {
    @Override
    public String tag(Object o) {
      if (o instanceof Collection<?> || o instanceof Object[]) {
        return "array";
      }
      Class<?> type = o.getClass();
      if (!type.isRecord() && isPlatformClass(type)) {
        throw new PackException(
            "No Transit mapping for " + type.getName() + "; add a write handler for it");
      }
      if (!ClassShape.of(type).hasProperties() && !type.isRecord()) {
        throw new PackException(
            type.getName() + " has no properties to write: give it getters or make it a record");
      }
      return "map";
    }

    @Override
    public Object rep(Object o) {
      return o instanceof Collection<?> || o instanceof Object[]
          ? o
          : ClassShape.of(o.getClass()).toMap(o);
    }

    @Override
    public String stringRep(Object o) {
      return null;
    }

    @Override
    public <V> WriteHandler<Object, V> getVerboseHandler() {
      return null;
    }

    private static boolean isPlatformClass(Class<?> type) {
      String name = type.getName();
      return name.startsWith("java.")
          || name.startsWith("javax.")
          || name.startsWith("jdk.")
          || name.startsWith("sun.")
          || name.startsWith("com.sun.")
          || type.isArray()
          || type.isSynthetic()
          || type.isHidden();
    }
  }
}
