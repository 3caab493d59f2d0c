package dev.sente.transit.internal;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a record or a POJO is written as a map and built back from one, found once per class by
 * reflection and cached.
 *
 * <p>A record's properties are its components, in declaration order; it is built through its
 * canonical constructor. A POJO's properties are its public getters ({@code getX()}, {@code isX()})
 * and public fields, in name order; it is built through its no-argument constructor, then its
 * setters ({@code setX(..)}) or, where there is no setter, its non-final fields.
 */
final class ClassShape {

  private static final ClassValue<ClassShape> SHAPES =
      new ClassValue<>() {
        @Override
        protected ClassShape computeValue(Class<?> type) {
          return new ClassShape(type);
        }
      };

  /** A readable property: its name, its keyword, and the accessor or field that reads it. */
  record Getter(String name, Keyword keyword, Method method, Field field) {}

  /** A writable property: its declared type and the setter, field or constructor slot. */
  record Setter(String name, Type type, Method method, Field field) {}

  private final Class<?> type;
  private final boolean isRecord;
  private final List<Getter> getters;
  private final List<Setter> components;
  private final Map<String, Setter> setters;
  private final Constructor<?> constructor;

  private ClassShape(Class<?> type) {
    this.type = type;
    this.isRecord = type.isRecord();
    this.getters = isRecord ? recordGetters(type) : beanGetters(type);
    this.components = isRecord ? recordComponents(type) : List.of();
    this.setters = isRecord ? Map.of() : beanSetters(type);
    this.constructor = findConstructor(type, isRecord);
  }

  static ClassShape of(Class<?> type) {
    return SHAPES.get(type);
  }

  boolean isRecord() {
    return isRecord;
  }

  /** Record components in declaration order (empty for a POJO). */
  List<Setter> components() {
    return components;
  }

  /** The POJO's writable properties (empty for a record). */
  Collection<Setter> setters() {
    return setters.values();
  }

  boolean hasProperties() {
    return !getters.isEmpty();
  }

  /** The object as a map from keywords to property values, in property order. */
  Map<Keyword, Object> toMap(Object target) {
    Map<Keyword, Object> map = new LinkedHashMap<>(getters.size() * 2);
    for (Getter g : getters) {
      try {
        map.put(
            g.keyword(), g.method() != null ? g.method().invoke(target) : g.field().get(target));
      } catch (InvocationTargetException e) {
        throw new PackException(
            "Property " + g.name() + " of " + type.getName() + " threw " + e.getCause(), e);
      } catch (IllegalAccessException | RuntimeException e) {
        throw new PackException("Cannot read property " + g.name() + " of " + type.getName(), e);
      }
    }
    return map;
  }

  /** Creates an instance: the canonical constructor of a record, the no-argument one of a POJO. */
  Object newInstance(Object... args) {
    if (constructor == null) {
      throw new PackException(
          "Cannot create "
              + type.getName()
              + ": it needs "
              + (isRecord ? "an accessible canonical constructor" : "a no-argument constructor"));
    }
    try {
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new PackException("Constructor of " + type.getName() + " threw " + e.getCause(), e);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new PackException("Cannot create " + type.getName() + ": " + e, e);
    }
  }

  /** Sets one POJO property. */
  void set(Object target, Setter setter, Object value) {
    try {
      if (setter.method() != null) {
        setter.method().invoke(target, value);
      } else {
        setter.field().set(target, value);
      }
    } catch (InvocationTargetException e) {
      throw new PackException(
          "Setter of " + setter.name() + " in " + type.getName() + " threw " + e.getCause(), e);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new PackException("Cannot set " + setter.name() + " in " + type.getName(), e);
    }
  }

  private static List<Getter> recordGetters(Class<?> type) {
    List<Getter> list = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      Method accessor = c.getAccessor();
      open(accessor);
      list.add(new Getter(c.getName(), Keyword.of(c.getName()), accessor, null));
    }
    return Collections.unmodifiableList(list);
  }

  private static List<Setter> recordComponents(Class<?> type) {
    List<Setter> list = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      list.add(new Setter(c.getName(), c.getGenericType(), null, null));
    }
    return Collections.unmodifiableList(list);
  }

  private static List<Getter> beanGetters(Class<?> type) {
    Map<String, Getter> byName = new TreeMap<>();
    for (Method m : type.getMethods()) {
      String name = getterName(m);
      if (name != null) {
        open(m);
        byName.put(name, new Getter(name, Keyword.of(name), m, null));
      }
    }
    for (Field f : type.getFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && !byName.containsKey(f.getName())) {
        open(f);
        byName.put(f.getName(), new Getter(f.getName(), Keyword.of(f.getName()), null, f));
      }
    }
    return List.copyOf(byName.values());
  }

  private static Map<String, Setter> beanSetters(Class<?> type) {
    Map<String, Setter> byName = new LinkedHashMap<>();
    for (Method m : type.getMethods()) {
      String n = m.getName();
      if (n.length() > 3
          && n.startsWith("set")
          && m.getParameterCount() == 1
          && !Modifier.isStatic(m.getModifiers())
          && !m.isBridge()) {
        open(m);
        byName.put(
            decapitalize(n.substring(3)),
            new Setter(decapitalize(n.substring(3)), m.getGenericParameterTypes()[0], m, null));
      }
    }
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        int mod = f.getModifiers();
        if (Modifier.isStatic(mod)
            || Modifier.isFinal(mod)
            || Modifier.isTransient(mod)
            || f.isSynthetic()
            || byName.containsKey(f.getName())) {
          continue;
        }
        if (open(f)) {
          byName.put(f.getName(), new Setter(f.getName(), f.getGenericType(), null, f));
        }
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  private static Constructor<?> findConstructor(Class<?> type, boolean isRecord) {
    if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
      return null;
    }
    try {
      Constructor<?> c;
      if (isRecord) {
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
          types[i] = rc[i].getType();
        }
        c = type.getDeclaredConstructor(types);
      } else {
        c = type.getDeclaredConstructor();
      }
      return open(c) ? c : null;
    } catch (NoSuchMethodException | SecurityException e) {
      return null;
    }
  }

  private static String getterName(Method m) {
    if (Modifier.isStatic(m.getModifiers())
        || m.getParameterCount() != 0
        || m.getReturnType() == void.class
        || m.isBridge()
        || m.getDeclaringClass() == Object.class) {
      return null;
    }
    String n = m.getName();
    if (n.length() > 3 && n.startsWith("get")) {
      return decapitalize(n.substring(3));
    }
    boolean bool = m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class;
    if (bool && n.length() > 2 && n.startsWith("is")) {
      return decapitalize(n.substring(2));
    }
    return null;
  }

  /** {@code Name} → {@code name}; {@code URL} stays {@code URL}, as java.beans does. */
  static String decapitalize(String s) {
    if (s.length() > 1
        && Character.isUpperCase(s.charAt(0))
        && Character.isUpperCase(s.charAt(1))) {
      return s;
    }
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static boolean open(AccessibleObject member) {
    try {
      return member.trySetAccessible();
    } catch (SecurityException e) {
      return false;
    }
  }
}
