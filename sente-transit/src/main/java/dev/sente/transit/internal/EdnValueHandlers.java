package dev.sente.transit.internal;

import com.cognitect.transit.TransitFactory;
import com.cognitect.transit.WriteHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Write handlers for the EDN packer's own value types, so that a value read with the EDN packer is
 * written as the same Clojure value in Transit, not as a map of its record components: {@code
 * dev.sente.edn.TaggedValue} as a Transit tagged value ({@code ["~#my/point",[1,2]]}), {@code
 * Ratio} as {@code ["~#ratio",["~n1","~n3"]]} (what transit-java writes for its own ratio, and
 * Clojure's Transit reads as a ratio) and {@code EdnList} as {@code ["~#list",[..]]}.
 *
 * <p>The classes are found by name, when {@code sente-edn} is on the class path, so that this
 * module does not depend on it; their public record accessors are read by reflection. The tests of
 * this module run with {@code sente-edn} and pin the wire text.
 */
final class EdnValueHandlers {

  private static final String PACKAGE = "dev.sente.edn.";

  private EdnValueHandlers() {}

  /**
   * The handlers by class, for the EDN classes that are present (a class without the expected
   * accessors, from another version of {@code sente-edn}, gets none).
   */
  @SuppressWarnings("rawtypes")
  static Map<Class, WriteHandler<?, ?>> handlers() {
    Map<Class, WriteHandler<?, ?>> map = new HashMap<>();
    Class<?> tagged = find("TaggedValue");
    Method tag = accessor(tagged, "tag");
    Method value = accessor(tagged, "value");
    if (tag != null && value != null) {
      map.put(tagged, new Handler(o -> (String) read(tag, o), o -> read(value, o)));
    }
    Class<?> ratio = find("Ratio");
    Method numerator = accessor(ratio, "numerator");
    Method denominator = accessor(ratio, "denominator");
    if (numerator != null && denominator != null) {
      map.put(
          ratio, new Handler(o -> "ratio", o -> List.of(read(numerator, o), read(denominator, o))));
    }
    Class<?> list = find("EdnList");
    if (list != null && List.class.isAssignableFrom(list)) {
      map.put(list, new Handler(o -> "list", o -> TransitFactory.taggedValue("array", o)));
    }
    return map;
  }

  private static Class<?> find(String simpleName) {
    try {
      return Class.forName(PACKAGE + simpleName, false, EdnValueHandlers.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** The public no-argument method of that name, or null (no class, no such method). */
  private static Method accessor(Class<?> type, String name) {
    if (type == null) {
      return null;
    }
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException | SecurityException e) {
      return null;
    }
  }

  private static Object read(Method accessor, Object target) {
    try {
      return accessor.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Cannot read " + accessor, e);
    }
  }

  /** A tagged value: its tag and its representation, no string form. */
  private record Handler(Function<Object, String> tag, Function<Object, Object> rep)
      implements WriteHandler<Object, Object> {
    @Override
    public String tag(Object o) {
      return tag.apply(o);
    }

    @Override
    public Object rep(Object o) {
      return rep.apply(o);
    }

    @Override
    public String stringRep(Object o) {
      return null;
    }

    @Override
    public <V> WriteHandler<Object, V> getVerboseHandler() {
      return null;
    }
  }
}
