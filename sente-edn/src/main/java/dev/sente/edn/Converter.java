package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns unpacked EDN values into the Java types an application asks for: records (canonical
 * constructor, components matched to keyword keys), POJOs (no-argument constructor, setters or
 * fields), collections, arrays, maps, Optional, enums, numbers (exact narrowing only) and the
 * scalars of {@link Scalars}. Generic types are followed through type variables.
 */
final class Converter {

  /** The type variables in scope, each bound to a type of the scope it was written in. */
  private record Scope(Map<TypeVariable<?>, Bound> variables) {
    static final Scope EMPTY = new Scope(Map.of());
  }

  private record Bound(Type type, Scope scope) {}

  private final int maxDepth;
  private final Function<Object, Object> repack;

  /** A converter; {@code repack} turns an application object into EDN data (pack, then unpack). */
  Converter(int maxDepth, Function<Object, Object> repack) {
    this.maxDepth = maxDepth;
    this.repack = repack;
  }

  Object convert(Object value, Type type) {
    return to(value, type, Scope.EMPTY, 0);
  }

  private Object to(Object v, Type t, Scope scope, int depth) {
    if (depth > maxDepth) {
      throw new PackException("Cannot convert a value nested deeper than " + maxDepth + " levels");
    }
    if (t instanceof Class<?> c) {
      return toClass(v, c, null, scope, depth);
    } else if (t instanceof ParameterizedType p) {
      return toClass(v, (Class<?>) p.getRawType(), p.getActualTypeArguments(), scope, depth);
    } else if (t instanceof GenericArrayType g) {
      return v == null ? null : toArray(v, g.getGenericComponentType(), scope, depth);
    } else if (t instanceof TypeVariable<?> variable) {
      Bound bound = scope.variables().get(variable);
      return bound != null
          ? to(v, bound.type(), bound.scope(), depth + 1)
          : to(v, variable.getBounds()[0], Scope.EMPTY, depth + 1);
    } else if (t instanceof WildcardType w) {
      return to(v, w.getUpperBounds()[0], scope, depth + 1);
    }
    throw new PackException("Cannot convert to the type " + t);
  }

  private Object toClass(Object v, Class<?> c, Type[] args, Scope scope, int depth) {
    if (c.isPrimitive()) {
      if (v == null) {
        throw Scalars.cannot(null, c, "nil for a primitive");
      }
      return toClass(v, Scalars.box(c), null, scope, depth);
    }
    if (c == Optional.class) {
      Object inner = v instanceof Optional<?> o ? o.orElse(null) : v;
      Type type = args == null ? Object.class : args[0];
      return Optional.ofNullable(inner == null ? null : to(inner, type, scope, depth + 1));
    }
    if (v == null) {
      return null;
    }
    if (c.isInstance(v) && (args == null || !isContainer(c))) {
      return v;
    }
    if (!isData(v)) {
      Object data = repack.apply(v);
      if (!isData(data)) {
        throw Scalars.cannot(v, c, "unsupported value");
      }
      v = data;
    }
    if (c.isArray()) {
      return toArray(v, c.getComponentType(), scope, depth);
    }
    if (Collection.class.isAssignableFrom(c) || c == Iterable.class) {
      return toCollection(v, c, args == null ? Object.class : args[0], scope, depth);
    }
    if (Map.class.isAssignableFrom(c)) {
      Type key = args == null ? Object.class : args[0];
      return toMap(v, c, key, args == null ? Object.class : args[1], scope, depth);
    }
    if (c.isInstance(v) && (args == null || !isContainer(c))) {
      return v;
    }
    Object scalar = Scalars.convert(v, c);
    if (scalar != Scalars.NO) {
      return scalar;
    }
    if (v instanceof Map<?, ?> map) {
      Beans.Shape shape = Beans.shape(c);
      if (shape != null) {
        return toObject(map, c, shape, bind(c, args, scope), depth);
      }
    }
    throw Scalars.cannot(v, c, "no conversion");
  }

  private static boolean isContainer(Class<?> c) {
    return Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c);
  }

  /** True for values the reader produces, which convert directly. */
  private static boolean isData(Object v) {
    return v instanceof String
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof Keyword
        || v instanceof Map
        || v instanceof Collection
        || v instanceof Symbol
        || v instanceof Character
        || v instanceof Ratio
        || v instanceof UUID
        || v instanceof java.time.Instant
        || v instanceof Date
        || v instanceof TaggedValue
        || v.getClass().isArray()
        || v instanceof Enum<?>;
  }

  private static Scope bind(Class<?> c, Type[] args, Scope scope) {
    TypeVariable<?>[] variables = c.getTypeParameters();
    if (args == null || variables.length != args.length) {
      return Scope.EMPTY;
    }
    Map<TypeVariable<?>, Bound> bound = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      bound.put(variables[i], new Bound(args[i], scope));
    }
    return new Scope(bound);
  }

  private Object toObject(Map<?, ?> map, Class<?> c, Beans.Shape shape, Scope scope, int depth) {
    List<Beans.Setter> properties = shape.properties();
    Object[] values = new Object[properties.size()];
    boolean[] present = new boolean[properties.size()];
    for (int i = 0; i < values.length; i++) {
      Beans.Setter p = properties.get(i);
      Object key = Containers.findKey(map, p.name());
      if (key != null) {
        present[i] = true;
        try {
          values[i] = to(map.get(key), p.type(), scope, depth + 1);
        } catch (PackException e) {
          throw new PackException(
              e.getMessage() + " (at " + c.getSimpleName() + "." + p.name() + ")", e.getCause());
        }
      } else if (p.rawType().isPrimitive()) {
        values[i] = Scalars.zero(p.rawType());
      } else if (p.rawType() == Optional.class) {
        values[i] = Optional.empty();
      }
    }
    if (shape.isRecord()) {
      return shape.create(values);
    }
    Object instance = shape.create();
    for (int i = 0; i < values.length; i++) {
      if (present[i]) {
        properties.get(i).set(instance, values[i]);
      }
    }
    return instance;
  }

  private Object toArray(Object v, Type component, Scope scope, int depth) {
    Class<?> raw = erasure(component, scope);
    List<?> items = Containers.elements(v, Array.newInstance(raw, 0).getClass());
    Object array = Array.newInstance(raw, items.size());
    for (int i = 0; i < items.size(); i++) {
      Array.set(array, i, element(items.get(i), component, scope, depth, i));
    }
    return array;
  }

  private Object toCollection(Object v, Class<?> c, Type element, Scope scope, int depth) {
    List<?> items = Containers.elements(v, c);
    Collection<Object> target = Containers.newCollection(c);
    try {
      for (int i = 0; i < items.size(); i++) {
        target.add(element(items.get(i), element, scope, depth, i));
      }
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw Scalars.cannot(v, c, e.toString());
    }
    return target;
  }

  private Object element(Object item, Type type, Scope scope, int depth, int index) {
    try {
      return to(item, type, scope, depth + 1);
    } catch (PackException e) {
      throw new PackException(e.getMessage() + " (at [" + index + "])", e.getCause());
    }
  }

  private Object toMap(Object v, Class<?> c, Type key, Type value, Scope scope, int depth) {
    if (!(v instanceof Map<?, ?> source)) {
      throw Scalars.cannot(v, c, "not a map");
    }
    Map<Object, Object> target = Containers.newMap(c);
    try {
      for (Map.Entry<?, ?> e : source.entrySet()) {
        Object k = to(e.getKey(), key, scope, depth + 1);
        try {
          target.put(k, to(e.getValue(), value, scope, depth + 1));
        } catch (PackException ex) {
          throw new PackException(ex.getMessage() + " (at key " + k + ")", ex.getCause());
        }
      }
    } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw Scalars.cannot(v, c, e.toString());
    }
    return target;
  }

  private static Class<?> erasure(Type t, Scope scope) {
    if (t instanceof Class<?> c) {
      return c;
    } else if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    } else if (t instanceof GenericArrayType g) {
      return Array.newInstance(erasure(g.getGenericComponentType(), scope), 0).getClass();
    } else if (t instanceof TypeVariable<?> variable) {
      Bound bound = scope.variables().get(variable);
      return bound != null
          ? erasure(bound.type(), bound.scope())
          : erasure(variable.getBounds()[0], Scope.EMPTY);
    } else if (t instanceof WildcardType w) {
      return erasure(w.getUpperBounds()[0], scope);
    }
    return Object.class;
  }
}
