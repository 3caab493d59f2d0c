package dev.sente.transit.internal;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Small helpers over {@link java.lang.reflect.Type}: raw classes, type arguments, bindings. */
final class Types {

  private Types() {}

  /**
   * The class behind a type: the raw class, an array class, or a variable's or wildcard's bound.
   */
  static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return raw(p.getRawType());
    }
    if (type instanceof GenericArrayType a) {
      return Array.newInstance(raw(a.getGenericComponentType()), 0).getClass();
    }
    if (type instanceof WildcardType w) {
      return raw(w.getUpperBounds()[0]);
    }
    if (type instanceof TypeVariable<?> v) {
      return raw(v.getBounds()[0]);
    }
    return Object.class;
  }

  /** A wildcard's upper bound, a variable's first bound; any other type unchanged. */
  static Type bound(Type type) {
    Type t = type;
    while (t instanceof WildcardType || t instanceof TypeVariable<?>) {
      t =
          t instanceof WildcardType w
              ? w.getUpperBounds()[0]
              : ((TypeVariable<?>) t).getBounds()[0];
    }
    return t;
  }

  /** The type argument at the index, or Object when the type has none. */
  static Type arg(Type type, int index) {
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      if (index < args.length) {
        return args[index];
      }
    }
    return Object.class;
  }

  /** The type arguments of a parameterized type, keyed by the raw class's type variables. */
  static Map<TypeVariable<?>, Type> bindings(Type type) {
    if (!(type instanceof ParameterizedType p)) {
      return Map.of();
    }
    TypeVariable<?>[] vars = raw(p).getTypeParameters();
    Type[] args = p.getActualTypeArguments();
    if (vars.length != args.length) {
      return Map.of();
    }
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    for (int i = 0; i < vars.length; i++) {
      bindings.put(vars[i], args[i]);
    }
    return bindings;
  }

  /** Replaces the bound type variables inside a type. */
  static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
    if (bindings.isEmpty()) {
      return type;
    }
    if (type instanceof TypeVariable<?> v) {
      return bindings.getOrDefault(v, v);
    }
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments().clone();
      for (int i = 0; i < args.length; i++) {
        args[i] = resolve(args[i], bindings);
      }
      return new Parameterized(raw(p), args, p.getOwnerType());
    }
    if (type instanceof GenericArrayType a) {
      Type component = resolve(a.getGenericComponentType(), bindings);
      return component instanceof Class<?> c
          ? Array.newInstance(c, 0).getClass()
          : new ArrayOf(component);
    }
    return type;
  }

  /** The boxed class of a primitive class; any other class unchanged. */
  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    return Array.get(Array.newInstance(type, 1), 0).getClass();
  }

  /** The value a missing property gets: zero or false for primitives, null otherwise. */
  static Object missingValue(Class<?> type) {
    return type.isPrimitive() && type != void.class
        ? Array.get(Array.newInstance(type, 1), 0)
        : null;
  }

  private record Parameterized(Class<?> rawType, Type[] args, Type ownerType)
      implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return rawType;
    }

    @Override
    public Type getOwnerType() {
      return ownerType;
    }

    @Override
    public String getTypeName() {
      return rawType.getTypeName()
          + Arrays.stream(args).map(Type::getTypeName).collect(Collectors.joining(", ", "<", ">"));
    }
  }

  private record ArrayOf(Type component) implements GenericArrayType {
    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public String getTypeName() {
      return component.getTypeName() + "[]";
    }
  }
}
