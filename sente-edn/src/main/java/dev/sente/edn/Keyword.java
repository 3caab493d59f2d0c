package dev.sente.edn;

import java.util.Objects;
import java.util.Optional;

/**
 * An EDN keyword such as {@code :chat/send} or {@code :admin}. Sente's event ids and protocol
 * markers are keywords; maps read from EDN usually have keyword keys.
 *
 * <pre>{@code
 * Keyword send = Keyword.of("chat/send");       // :chat/send
 * Keyword same = Keyword.of("chat", "send");    // :chat/send
 * send.namespace();                             // Optional[chat]
 * send.localName();                             // "send"
 * Map<?, ?> data = (Map<?, ?>) packer.unpack(Packed.text("{:text \"hi\"}"));
 * data.get(Keyword.of("text"));                 // "hi"
 * }</pre>
 *
 * @param name the full name without the colon: {@code chat/send}, or {@code admin} without a
 *     namespace; it must be readable EDN (no whitespace or delimiters, both sides of {@code /}
 *     non-empty)
 */
public record Keyword(String name) implements Comparable<Keyword> {

  public Keyword {
    Objects.requireNonNull(name, "name");
    String why = Names.invalidReason(name, true);
    if (why != null) {
      throw new IllegalArgumentException("Invalid keyword name \"" + name + "\": " + why);
    }
  }

  /** The keyword with the given full name: {@code of("chat/send")} is {@code :chat/send}. */
  public static Keyword of(String name) {
    return new Keyword(name);
  }

  /** The keyword {@code :namespace/name}. */
  public static Keyword of(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    return new Keyword(Names.join(namespace, name));
  }

  /** The namespace: {@code chat} for {@code :chat/send}; empty for {@code :admin}. */
  public Optional<String> namespace() {
    return Optional.ofNullable(Names.namespace(name));
  }

  /** The name without its namespace: {@code send} for {@code :chat/send}. */
  public String localName() {
    return Names.localName(name);
  }

  @Override
  public int compareTo(Keyword other) {
    return name.compareTo(other.name);
  }

  /** The EDN text: {@code :chat/send}. */
  @Override
  public String toString() {
    return ":" + name;
  }
}
