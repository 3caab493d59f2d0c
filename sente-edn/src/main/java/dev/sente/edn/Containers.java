package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The collections and map keys the converter works with. */
final class Containers {

  private Containers() {}

  /** The key a property is stored under: :name, "name", :kebab-name or "kebab-name"; or null. */
  static Object findKey(Map<?, ?> map, String name) {
    String kebab = kebab(name);
    for (String candidate : kebab.equals(name) ? List.of(name) : List.of(name, kebab)) {
      if (Keyword.isValidName(candidate)) {
        Keyword keyword = Keyword.of(candidate);
        if (map.containsKey(keyword)) {
          return keyword;
        }
      }
      if (map.containsKey(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** {@code userId} to {@code user-id}. */
  static String kebab(String name) {
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(name.charAt(i - 1))) {
        out.append('-');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }

  static List<?> elements(Object v, Class<?> target) {
    if (v instanceof List<?> list) {
      return list;
    } else if (v instanceof Collection<?> collection) {
      return new ArrayList<>(collection);
    } else if (v.getClass().isArray()) {
      Object[] boxed = new Object[Array.getLength(v)];
      Arrays.setAll(boxed, i -> Array.get(v, i));
      return Arrays.asList(boxed);
    }
    throw Scalars.cannot(v, target, "not a collection");
  }

  @SuppressWarnings("unchecked")
  static Collection<Object> newCollection(Class<?> c) {
    if (c.isAssignableFrom(ArrayList.class)) {
      return new ArrayList<>();
    } else if (c.isAssignableFrom(LinkedHashSet.class)) {
      return new LinkedHashSet<>();
    } else if (c.isAssignableFrom(TreeSet.class)) {
      return new TreeSet<>();
    } else if (c.isAssignableFrom(ArrayDeque.class)) {
      return new ArrayDeque<>();
    }
    return (Collection<Object>) instantiate(c);
  }

  @SuppressWarnings("unchecked")
  static Map<Object, Object> newMap(Class<?> c) {
    if (c.isAssignableFrom(LinkedHashMap.class)) {
      return new LinkedHashMap<>();
    } else if (c.isAssignableFrom(TreeMap.class)) {
      return new TreeMap<>();
    } else if (c.isAssignableFrom(ConcurrentHashMap.class)) {
      return new ConcurrentHashMap<>();
    }
    return (Map<Object, Object>) instantiate(c);
  }

  private static Object instantiate(Class<?> c) {
    try {
      return c.getConstructor().newInstance();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new PackException("Cannot create a " + c.getName() + ": " + e);
    }
  }
}
