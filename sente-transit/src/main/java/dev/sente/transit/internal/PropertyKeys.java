package dev.sente.transit.internal;

import com.cognitect.transit.Keyword;
import com.cognitect.transit.Symbol;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the keys of an unpacked map name the properties of a record or POJO. */
final class PropertyKeys {

  private PropertyKeys() {}

  /**
   * The map's entries by name: keys {@code :name}, {@code name} and {@code "name"} (the shared
   * keyword and symbol, or transit-java's own). A property {@code userId} is found under {@code
   * userId}, then under {@code user-id}.
   */
  static Map<String, Object> byName(Map<?, ?> map) {
    Map<String, Object> byName = new LinkedHashMap<>(Math.max(16, map.size() * 2));
    for (Map.Entry<?, ?> e : map.entrySet()) {
      Object key = e.getKey();
      if (key instanceof String s) {
        byName.put(s, e.getValue());
      } else if (key instanceof dev.sente.core.Keyword k && k.namespace().isEmpty()) {
        byName.put(k.name(), e.getValue());
      } else if (key instanceof dev.sente.core.Symbol s && s.namespace().isEmpty()) {
        byName.put(s.name(), e.getValue());
      } else if (key instanceof Keyword k && k.getNamespace() == null) {
        byName.put(k.getName(), e.getValue());
      } else if (key instanceof Symbol s && s.getValue().indexOf('/') < 0) {
        byName.put(s.getValue(), e.getValue());
      }
    }
    return byName;
  }

  static Object lookup(Map<String, Object> byName, String property) {
    Object value = byName.get(property);
    return value != null || byName.containsKey(property) ? value : byName.get(kebab(property));
  }

  /** {@code userId} → {@code user-id}. */
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
}
