package dev.sente.edn;

import java.util.Objects;
import java.util.Optional;

/**
 * An EDN symbol such as {@code foo} or {@code my.ns/bar}. Sente itself sends none; they round-trip
 * for applications that use them.
 *
 * <pre>{@code
 * Symbol s = Symbol.of("my.ns/bar");
 * packer.pack(List.of(s));   // [my.ns/bar]
 * }</pre>
 *
 * @param name the full name; it must be readable EDN and must not look like a number or be one of
 *     {@code nil}, {@code true}, {@code false}
 */
public record Symbol(String name) {

  public Symbol {
    Objects.requireNonNull(name, "name");
    String why = Names.invalidReason(name, false);
    if (why != null) {
      throw new IllegalArgumentException("Invalid symbol name \"" + name + "\": " + why);
    }
  }

  /** The symbol with the given full name. */
  public static Symbol of(String name) {
    return new Symbol(name);
  }

  /** The symbol {@code namespace/name}. */
  public static Symbol of(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    return new Symbol(Names.join(namespace, name));
  }

  /** The namespace, if the symbol has one. */
  public Optional<String> namespace() {
    return Optional.ofNullable(Names.namespace(name));
  }

  /** The name without its namespace. */
  public String localName() {
    return Names.localName(name);
  }

  /** The EDN text, which is the name itself. */
  @Override
  public String toString() {
    return name;
  }
}
