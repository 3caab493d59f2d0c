package dev.sente.edn;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reflection over application types, cached per class: the properties a record or POJO is written
 * with, and how one is created from a map. Records use their components and canonical constructor;
 * POJOs their public getters (and public fields) for writing, and a no-argument constructor with
 * setters or fields for reading.
 */
final class Beans {

  /** A readable property: a record accessor, a getter or a public field. */
  record Getter(String name, Method method, Field field) {
    Object get(Object target) {
      try {
        return method != null ? method.invoke(target) : field.get(target);
      } catch (InvocationTargetException e) {
        throw new PackException(
            "Reading property "
                + name
                + " of "
                + target.getClass().getName()
                + " failed: "
                + e.getCause(),
            e.getCause());
      } catch (IllegalAccessException e) {
        throw inaccessible(target.getClass(), e);
      }
    }
  }

  /** A writable property: the record component, setter or field, and its generic type. */
  record Setter(String name, Type type, Class<?> rawType, Method method, Field field) {
    void set(Object target, Object value) {
      try {
        if (method != null) {
          method.invoke(target, value);
        } else {
          field.set(target, value);
        }
      } catch (InvocationTargetException e) {
        throw new PackException(
            "Setting " + name + " of " + target.getClass().getName() + " failed: " + e.getCause(),
            e.getCause());
      } catch (IllegalAccessException e) {
        throw inaccessible(target.getClass(), e);
      }
    }
  }

  /** How to create an instance: a constructor, and the properties it takes or that are set. */
  record Shape(Constructor<?> constructor, List<Setter> properties, boolean isRecord) {
    Object create(Object... arguments) {
      try {
        return constructor.newInstance(arguments);
      } catch (InvocationTargetException e) {
        throw new PackException(
            "Creating " + constructor.getDeclaringClass().getName() + " failed: " + e.getCause(),
            e.getCause());
      } catch (ReflectiveOperationException | IllegalArgumentException e) {
        throw inaccessible(constructor.getDeclaringClass(), e);
      }
    }
  }

  private static final ClassValue<List<Getter>> GETTERS =
      new ClassValue<>() {
        @Override
        protected List<Getter> computeValue(Class<?> type) {
          return List.copyOf(findGetters(type));
        }
      };

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return type.isRecord() ? recordShape(type) : pojoShape(type);
        }
      };

  private Beans() {}

  /** True for JDK classes, which are never read or written through their getters or setters. */
  static boolean isPlatformClass(Class<?> type) {
    String name = type.getName();
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  /** The properties a record or POJO is written with, in a stable order; may be empty. */
  static List<Getter> getters(Class<?> type) {
    return GETTERS.get(type);
  }

  /** How to create a record or POJO from a map; null when the type has no usable constructor. */
  static Shape shape(Class<?> type) {
    return SHAPES.get(type);
  }

  private static List<Getter> findGetters(Class<?> type) {
    List<Getter> getters = new ArrayList<>();
    if (type.isRecord()) {
      for (RecordComponent c : type.getRecordComponents()) {
        getters.add(new Getter(c.getName(), accessible(c.getAccessor()), null));
      }
      return getters;
    }
    Map<String, Getter> found = new TreeMap<>();
    for (Method m : type.getMethods()) {
      String name = getterName(m);
      if (name != null) {
        found.putIfAbsent(name, new Getter(name, accessible(m), null));
      }
    }
    for (Field f : type.getFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        found.putIfAbsent(f.getName(), new Getter(f.getName(), null, accessible(f)));
      }
    }
    // Declared field order first (superclass fields before subclass fields), then the rest by name.
    Map<String, Getter> ordered = new LinkedHashMap<>();
    for (Field f : fieldsTopDown(type)) {
      Getter g = found.remove(f.getName());
      if (g != null) {
        ordered.put(f.getName(), g);
      }
    }
    ordered.putAll(found);
    getters.addAll(ordered.values());
    return getters;
  }

  private static String getterName(Method m) {
    if (Modifier.isStatic(m.getModifiers())
        || m.getParameterCount() != 0
        || m.isBridge()
        || m.getDeclaringClass() == Object.class) {
      return null;
    }
    String name = m.getName();
    Class<?> returns = m.getReturnType();
    if (name.startsWith("get") && name.length() > 3 && returns != void.class) {
      return decapitalize(name.substring(3));
    }
    if (name.startsWith("is")
        && name.length() > 2
        && (returns == boolean.class || returns == Boolean.class)) {
      return decapitalize(name.substring(2));
    }
    return null;
  }

  private static Shape recordShape(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] raw = new Class<?>[components.length];
    List<Setter> properties = new ArrayList<>();
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      raw[i] = c.getType();
      properties.add(new Setter(c.getName(), c.getGenericType(), c.getType(), null, null));
    }
    try {
      return new Shape(accessible(type.getDeclaredConstructor(raw)), properties, true);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Shape pojoShape(Class<?> type) {
    if (type.isInterface()
        || Modifier.isAbstract(type.getModifiers())
        || type.isEnum()
        || type.isArray()
        || type.isPrimitive()
        || isPlatformClass(type)
        || (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()))) {
      return null;
    }
    Constructor<?> constructor;
    try {
      constructor = accessible(type.getDeclaredConstructor());
    } catch (NoSuchMethodException e) {
      return null;
    }
    Map<String, Setter> setters = new LinkedHashMap<>();
    for (Method m : type.getMethods()) {
      String name = m.getName();
      if (!Modifier.isStatic(m.getModifiers())
          && m.getParameterCount() == 1
          && name.startsWith("set")
          && name.length() > 3
          && !m.isBridge()) {
        String property = decapitalize(name.substring(3));
        setters.putIfAbsent(
            property,
            new Setter(
                property,
                m.getGenericParameterTypes()[0],
                m.getParameterTypes()[0],
                accessible(m),
                null));
      }
    }
    for (Field f : fieldsTopDown(type)) {
      int mod = f.getModifiers();
      if (!Modifier.isStatic(mod)
          && !Modifier.isFinal(mod)
          && !Modifier.isTransient(mod)
          && !setters.containsKey(f.getName())
          && f.trySetAccessible()) {
        setters.put(f.getName(), new Setter(f.getName(), f.getGenericType(), f.getType(), null, f));
      }
    }
    return setters.isEmpty() ? null : new Shape(constructor, List.copyOf(setters.values()), false);
  }

  private static List<Field> fieldsTopDown(Class<?> type) {
    List<Class<?>> chain = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      chain.add(0, c);
    }
    List<Field> fields = new ArrayList<>();
    for (Class<?> c : chain) {
      for (Field f : c.getDeclaredFields()) {
        if (!f.isSynthetic()) {
          fields.add(f);
        }
      }
    }
    return fields;
  }

  private static <T extends AccessibleObject> T accessible(T member) {
    // Best effort: public members of public classes work without it; others need the package to
    // be open to this module (always true on the class path).
    member.trySetAccessible();
    return member;
  }

  private static PackException inaccessible(Class<?> type, Exception e) {
    return new PackException(
        "Cannot access "
            + type.getName()
            + " by reflection (make it public, or open its package"
            + " to sente-edn): "
            + e.getMessage(),
        e);
  }

  /** {@code Name} to {@code name}, keeping {@code URL} as is (the JavaBeans rule). */
  static String decapitalize(String name) {
    if (name.length() > 1
        && Character.isUpperCase(name.charAt(0))
        && Character.isUpperCase(name.charAt(1))) {
      return name;
    }
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
