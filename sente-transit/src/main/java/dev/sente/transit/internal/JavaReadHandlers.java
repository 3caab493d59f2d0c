package dev.sente.transit.internal;

import com.cognitect.transit.ArrayReadHandler;
import com.cognitect.transit.ArrayReader;
import com.cognitect.transit.DefaultReadHandler;
import com.cognitect.transit.MapReader;
import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.TaggedValue;
import com.cognitect.transit.TransitFactory;
import com.cognitect.transit.impl.Tag;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The read handlers and builders this module puts over transit-java's, so that reading is strict
 * and bounded: lists are {@code ArrayList}, maps {@code LinkedHashMap} (wire order), sets {@code
 * LinkedHashSet}; a tag ({@code "~#x"}) anywhere but at the head of a tagged value is refused;
 * number texts ({@code ~n ~i ~f ~d}) are bounded; {@code ~t} dates are read with {@code java.time}
 * (so jaxb is not needed); keywords and symbols are the shared {@link Keyword} and {@link Symbol}
 * (a name Clojure cannot read back, {@code "~:a b"}, is refused); unknown tags stay {@link
 * TaggedValue}s.
 */
final class JavaReadHandlers {

  private JavaReadHandlers() {}

  /** The handlers by tag, to merge over transit-java's defaults. */
  static Map<String, ReadHandler<?, ?>> handlers() {
    Map<String, ReadHandler<?, ?>> map = new HashMap<>();
    map.put("n", (ReadHandler<Object, String>) rep -> new BigInteger(number(rep)));
    map.put("i", (ReadHandler<Object, String>) JavaReadHandlers::integer);
    map.put("d", (ReadHandler<Object, String>) rep -> Double.valueOf(number(rep)));
    map.put("f", (ReadHandler<Object, String>) JavaReadHandlers::decimal);
    map.put("t", (ReadHandler<Object, String>) JavaReadHandlers::time);
    map.put("'", (ReadHandler<Object, Object>) JavaReadHandlers::checked);
    map.put("set", new CollectionHandler("set", LinkedHashSet::new));
    map.put("list", new CollectionHandler("list", ArrayList::new));
    map.put("cmap", new CmapHandler());
    map.put("ratio", (ReadHandler<Object, Object>) ExactRatio::fromRep);
    map.put(":", (ReadHandler<Object, String>) JavaReadHandlers::keyword);
    map.put("$", (ReadHandler<Object, String>) JavaReadHandlers::symbol);
    return map;
  }

  /** Unknown tags: kept as tagged values, as Transit's specification asks. */
  static final DefaultReadHandler<TaggedValue<Object>> UNKNOWN_TAGS =
      (tag, rep) -> TransitFactory.taggedValue(tag, checked(rep));

  /** The value itself, unless it is a tag marker out of place. */
  static Object checked(Object value) {
    if (value instanceof Tag tag) {
      throw new PackException(
          "Misplaced Transit tag \"~#" + ValueLimits.shorten(tag.getValue()) + "\"");
    }
    return value;
  }

  /**
   * {@code "~:chat/send"}: the shared {@link Keyword}, as the EDN packer reads {@code :chat/send}.
   */
  private static Object keyword(String rep) {
    if (!Keyword.isValidName(rep)) {
      throw new PackException(
          "Transit keyword \"" + ValueLimits.shorten(rep) + "\" is not a readable keyword name");
    }
    return Keyword.of(rep);
  }

  /** {@code "~$f"}: the shared {@link Symbol}. */
  private static Object symbol(String rep) {
    if (!Symbol.isValidName(rep)) {
      throw new PackException(
          "Transit symbol \"" + ValueLimits.shorten(rep) + "\" is not a readable symbol name");
    }
    return Symbol.of(rep);
  }

  private static String number(String rep) {
    if (rep.length() > ValueLimits.MAX_NUMBER_LENGTH) {
      throw new PackException(
          "Number longer than " + ValueLimits.MAX_NUMBER_LENGTH + " characters");
    }
    return rep;
  }

  private static Object integer(String rep) {
    String text = number(rep);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return new BigInteger(text);
    }
  }

  private static Object decimal(String rep) {
    BigDecimal d = new BigDecimal(number(rep));
    if (Math.abs((long) d.scale()) > ValueLimits.MAX_DECIMAL_SCALE) {
      throw new PackException("Decimal exponent out of range");
    }
    return d;
  }

  private static Object time(String rep) {
    if (rep.length() > 64) {
      throw new PackException("Date text too long");
    }
    return Date.from(
        rep.endsWith("Z") ? Instant.parse(rep) : OffsetDateTime.parse(rep).toInstant());
  }

  /** Lists: {@code ArrayList}, in order. */
  static final class ListBuilder implements ArrayReader<List<Object>, List<Object>, Object> {
    @Override
    public List<Object> init() {
      return new ArrayList<>();
    }

    @Override
    public List<Object> init(int size) {
      return new ArrayList<>(Math.min(size, 1024));
    }

    @Override
    public List<Object> add(List<Object> list, Object item) {
      list.add(checked(item));
      return list;
    }

    @Override
    public List<Object> complete(List<Object> list) {
      return list;
    }
  }

  /** Maps: {@code LinkedHashMap}, in wire order. */
  static final class MapBuilder
      implements MapReader<Map<Object, Object>, Map<Object, Object>, Object, Object> {
    @Override
    public Map<Object, Object> init() {
      return new LinkedHashMap<>();
    }

    @Override
    public Map<Object, Object> init(int size) {
      return new LinkedHashMap<>();
    }

    @Override
    public Map<Object, Object> add(Map<Object, Object> map, Object key, Object value) {
      map.put(checked(key), checked(value));
      return map;
    }

    @Override
    public Map<Object, Object> complete(Map<Object, Object> map) {
      return map;
    }
  }

  /** {@code ~#set} and {@code ~#list}: the rep must be an array. */
  private record CollectionHandler(String tag, Supplier<Collection<Object>> factory)
      implements ArrayReadHandler<Collection<Object>, Collection<Object>, Object, Object> {
    @Override
    public Collection<Object> fromRep(Object rep) {
      throw new PackException("The rep of ~#" + tag + " must be an array");
    }

    @Override
    public ArrayReader<Collection<Object>, Collection<Object>, Object> arrayReader() {
      return new ArrayReader<>() {
        @Override
        public Collection<Object> init() {
          return factory.get();
        }

        @Override
        public Collection<Object> init(int size) {
          return factory.get();
        }

        @Override
        public Collection<Object> add(Collection<Object> c, Object item) {
          c.add(checked(item));
          return c;
        }

        @Override
        public Collection<Object> complete(Collection<Object> c) {
          return c;
        }
      };
    }
  }

  /** {@code ~#cmap}: a map with composite keys, written as an array of keys and values. */
  private static final class CmapHandler
      implements ArrayReadHandler<List<Object>, Map<Object, Object>, Object, Object> {
    @Override
    public Map<Object, Object> fromRep(Object rep) {
      throw new PackException("The rep of ~#cmap must be an array");
    }

    @Override
    public ArrayReader<List<Object>, Map<Object, Object>, Object> arrayReader() {
      return new ArrayReader<>() {
        @Override
        public List<Object> init() {
          return new ArrayList<>();
        }

        @Override
        public List<Object> init(int size) {
          return new ArrayList<>();
        }

        @Override
        public List<Object> add(List<Object> list, Object item) {
          list.add(checked(item));
          return list;
        }

        @Override
        public Map<Object, Object> complete(List<Object> list) {
          if (list.size() % 2 != 0) {
            throw new PackException("~#cmap needs an even number of keys and values");
          }
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < list.size(); i += 2) {
            map.put(list.get(i), list.get(i + 1));
          }
          return map;
        }
      };
    }
  }
}
