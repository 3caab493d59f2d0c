package dev.sente.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A Clojure symbol such as {@code foo} or {@code my.ns/bar}, shared by the packers as {@link
 * Keyword} is: the EDN packer writes it {@code my.ns/bar}, the Transit packer {@code
 * "~$my.ns/bar"}, and both read symbols back as this type; the JSON packer writes its name as a
 * string. Sente itself sends none; they round-trip for applications that use them.
 *
 * <pre>{@code
 * Symbol s = Symbol.of("my.ns/bar");
 * edn.pack(List.of(s));       // [my.ns/bar]
 * transit.pack(List.of(s));   // ["~$my.ns/bar"]
 * }</pre>
 *
 * @param name the full name; it must be readable by Clojure and must not look like a number or be
 *     one of {@code nil}, {@code true}, {@code false}, see {@link #isValidName}
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

  /** True when {@link #of(String)} accepts the name. */
  public static boolean isValidName(String name) {
    return name != null && Names.invalidReason(name, false) == null;
  }

  /** The namespace, if the symbol has one. */
  public Optional<String> namespace() {
    return Optional.ofNullable(Names.namespace(name));
  }

  /** The name without its namespace. */
  public String localName() {
    return Names.localName(name);
  }

  /** The Clojure text, which is the name itself. */
  @Override
  public String toString() {
    return name;
  }
}
