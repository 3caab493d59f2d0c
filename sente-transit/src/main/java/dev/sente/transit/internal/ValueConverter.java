package dev.sente.transit.internal;

import com.cognitect.transit.Keyword;
import com.cognitect.transit.Link;
import com.cognitect.transit.Ratio;
import com.cognitect.transit.Symbol;
import com.cognitect.transit.TaggedValue;
import dev.sente.core.PackException;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns unpacked Transit values into the types an application asks for: records, POJOs, enums,
 * collections, maps, arrays, {@code Optional} and scalars. The mapping is the EDN packer's:
 *
 * <ul>
 *   <li>a map becomes a record or POJO: its keys, keywords ({@code :text}) or strings ({@code
 *       "text"}), name the properties; namespaced keywords and unknown keys are ignored; a missing
 *       property is null, zero, false or {@code Optional.empty()};
 *   <li>a keyword or symbol becomes a {@code String} ({@code "chat/send"}, with its namespace) or
 *       an enum constant (by exact name, then by {@code some-name} → {@code SOME_NAME}); a string
 *       becomes the shared {@link dev.sente.core.Keyword} or {@link dev.sente.core.Symbol};
 *   <li>numbers convert between all numeric types when the value fits exactly (no rounding of
 *       {@code 1.5} into an {@code int}, no overflow);
 *   <li>a {@code Date} (Transit {@code ~m}/{@code ~t}) becomes an {@code Instant}, {@code Date},
 *       {@code OffsetDateTime} or {@code ZonedDateTime} (UTC); ISO strings become any {@code
 *       java.time} type; strings become UUIDs;
 *   <li>lists and sets become any {@code Collection} type or array; maps any {@code Map} type, keys
 *       and values converted to the declared type arguments.
 * </ul>
 *
 * <p>Anything that does not fit is a {@link PackException}.
 *
 * <pre>{@code
 * record ChatLine(String text, int n) {}
 * ValueConverter converter = new ValueConverter(v -> packer.unpack(packer.pack(v)));
 * ChatLine line = (ChatLine) converter.convert(unpackedMap, ChatLine.class);
 * }</pre>
 */
public final class ValueConverter {

  /** The deepest value structure converted; deeper values are refused. */
  public static final int MAX_DEPTH = 1000;

  private final Function<Object, Object> repack;

  /**
   * A converter.
   *
   * @param repack turns an application object (a record, a POJO) into its unpacked form, so that it
   *     converts like data read from the wire: the packer's pack, then unpack
   */
  public ValueConverter(Function<Object, Object> repack) {
    this.repack = Objects.requireNonNull(repack, "repack");
  }

  /** Converts an unpacked value to the given type; throws {@link PackException} if it cannot. */
  public Object convert(Object value, Type type) {
    Objects.requireNonNull(type, "type");
    try {
      return convert(value, type, 0);
    } catch (PackException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new PackException(
          "Cannot convert " + ValueLimits.kind(value) + " to " + type.getTypeName() + ": " + e, e);
    }
  }

  private Object convert(Object value, Type declared, int depth) {
    if (depth > MAX_DEPTH) {
      throw new PackException("Value nested deeper than " + MAX_DEPTH + " levels");
    }
    Type type = Types.bound(declared);
    Class<?> raw = Types.raw(type);
    if (raw == Optional.class) {
      return value == null
          ? Optional.empty()
          : Optional.of(convert(value, Types.arg(type, 0), depth + 1));
    }
    if (value == null) {
      if (raw.isPrimitive()) {
        throw new PackException("Cannot convert null to " + raw.getName());
      }
      return null;
    }
    Class<?> target = Types.box(raw);
    if (target == Object.class || (type instanceof Class<?> && target.isInstance(value))) {
      return value;
    }
    if (!isData(value)) {
      return convert(repack.apply(value), type, depth + 1);
    }
    if (ScalarConverter.handles(target)) {
      return ScalarConverter.convert(value, target);
    }
    if (target == byte[].class && value instanceof String s) {
      return Base64.getDecoder().decode(s);
    }
    if (target.isArray()) {
      return toArray(value, type, target, depth);
    }
    if (Collection.class.isAssignableFrom(target) || target == Iterable.class) {
      return toCollection(value, type, target, depth);
    }
    if (Map.class.isAssignableFrom(target)) {
      return toMap(value, type, target, depth);
    }
    if (target.isInstance(value)) {
      return value;
    }
    if (value instanceof Map<?, ?> map && !target.isInterface()) {
      return toObject(map, type, target, depth);
    }
    throw ScalarConverter.cannot(value, target);
  }

  private static List<?> elements(Object value, Class<?> target) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value instanceof Collection<?> c) {
      return new ArrayList<>(c);
    }
    if (value.getClass().isArray()) {
      int n = Array.getLength(value);
      List<Object> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(Array.get(value, i));
      }
      return list;
    }
    throw ScalarConverter.cannot(value, target);
  }

  private Object toArray(Object value, Type type, Class<?> target, int depth) {
    List<?> source = elements(value, target);
    Type component =
        type instanceof GenericArrayType g
            ? g.getGenericComponentType()
            : target.getComponentType();
    Class<?> componentClass = target.getComponentType();
    Object array = Array.newInstance(componentClass, source.size());
    for (int i = 0; i < source.size(); i++) {
      Object element = convert(source.get(i), component, depth + 1);
      if (element == null && componentClass.isPrimitive()) {
        throw new PackException("null element in an array of " + componentClass.getName());
      }
      Array.set(array, i, element);
    }
    return array;
  }

  private Object toCollection(Object value, Type type, Class<?> target, int depth) {
    List<?> source = elements(value, target);
    Collection<Object> out = newCollection(target, source.size());
    Type element = Types.arg(type, 0);
    for (Object item : source) {
      out.add(convert(item, element, depth + 1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Collection<Object> newCollection(Class<?> target, int size) {
    if (target.isAssignableFrom(ArrayList.class)) {
      return new ArrayList<>(size);
    }
    if (target.isAssignableFrom(LinkedHashSet.class)) {
      return new LinkedHashSet<>();
    }
    if (target.isAssignableFrom(TreeSet.class) && SortedSet.class.isAssignableFrom(target)) {
      return new TreeSet<>();
    }
    if (target.isAssignableFrom(ArrayDeque.class) && Queue.class.isAssignableFrom(target)) {
      return new ArrayDeque<>(size);
    }
    return (Collection<Object>) instantiate(target);
  }

  private Object toMap(Object value, Type type, Class<?> target, int depth) {
    if (!(value instanceof Map<?, ?> source)) {
      throw ScalarConverter.cannot(value, target);
    }
    Map<Object, Object> out = newMap(target, source.size());
    Type keyType = Types.arg(type, 0);
    Type valueType = Types.arg(type, 1);
    for (Map.Entry<?, ?> e : source.entrySet()) {
      out.put(convert(e.getKey(), keyType, depth + 1), convert(e.getValue(), valueType, depth + 1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> newMap(Class<?> target, int size) {
    if (target.isAssignableFrom(LinkedHashMap.class)) {
      return new LinkedHashMap<>(Math.max(16, size * 2));
    }
    if (target.isAssignableFrom(TreeMap.class) && SortedMap.class.isAssignableFrom(target)) {
      return new TreeMap<>();
    }
    if (target.isAssignableFrom(ConcurrentHashMap.class)) {
      return new ConcurrentHashMap<>();
    }
    return (Map<Object, Object>) instantiate(target);
  }

  private static Object instantiate(Class<?> target) {
    if (target.isInterface() || Modifier.isAbstract(target.getModifiers())) {
      throw new PackException("Cannot create an instance of " + target.getName());
    }
    return ClassShape.of(target).newInstance();
  }

  private Object toObject(Map<?, ?> map, Type type, Class<?> target, int depth) {
    ClassShape shape = ClassShape.of(target);
    Map<String, Object> byName = PropertyKeys.byName(map);
    Map<TypeVariable<?>, Type> bindings = Types.bindings(type);
    if (shape.isRecord()) {
      List<ClassShape.Setter> components = shape.components();
      Object[] args = new Object[components.size()];
      for (int i = 0; i < args.length; i++) {
        ClassShape.Setter c = components.get(i);
        args[i] =
            property(
                PropertyKeys.lookup(byName, c.name()), Types.resolve(c.type(), bindings), depth);
      }
      return shape.newInstance(args);
    }
    Object instance = shape.newInstance();
    for (ClassShape.Setter setter : shape.setters()) {
      Object value = PropertyKeys.lookup(byName, setter.name());
      if (value != null) {
        Type t = Types.resolve(setter.type(), bindings);
        shape.set(instance, setter, property(value, t, depth));
      }
    }
    return instance;
  }

  private Object property(Object value, Type type, int depth) {
    if (value == null) {
      Class<?> raw = Types.raw(Types.bound(type));
      return raw == Optional.class ? Optional.empty() : Types.missingValue(raw);
    }
    return convert(value, type, depth + 1);
  }

  /** True for values the reader produces (and enums), which convert directly. */
  private static boolean isData(Object v) {
    return v instanceof String
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof Character
        || v instanceof Keyword
        || v instanceof Symbol
        || v instanceof dev.sente.core.Keyword
        || v instanceof dev.sente.core.Symbol
        || v instanceof Map
        || v instanceof Collection
        || v instanceof UUID
        || v instanceof Date
        || v instanceof Instant
        || v instanceof TaggedValue
        || v instanceof Ratio
        || v instanceof com.cognitect.transit.URI
        || v instanceof Link
        || v instanceof Enum<?>
        || v.getClass().isArray();
  }
}
