package dev.sente.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A Clojure keyword such as {@code :chat/send} or {@code :admin}, the one keyword type of every
 * packer. Sente's event ids and protocol markers are keywords, and maps from Clojure peers usually
 * have keyword keys. The EDN packer writes it {@code :chat/send}, the Transit packer {@code
 * "~:chat/send"}, and both read keywords back as this type; the JSON packer, which has no keywords,
 * writes it as its name, the string {@code "chat/send"}.
 *
 * <pre>{@code
 * Keyword send = Keyword.of("chat/send");       // :chat/send
 * Keyword same = Keyword.of("chat", "send");    // :chat/send
 * send.namespace();                             // Optional[chat]
 * send.localName();                             // "send"
 * msg.reply(Map.of(Keyword.of("ok"), true));    // {:ok true} in EDN, ["^ ","~:ok",true] in Transit
 * Map<?, ?> data = (Map<?, ?>) packer.unpack(Packed.text("{:text \"hi\"}"));
 * data.get(Keyword.of("text"));                 // "hi"
 * }</pre>
 *
 * @param name the full name without the colon: {@code chat/send}, or {@code admin} without a
 *     namespace; it must be readable by Clojure (no whitespace or delimiters, both sides of {@code
 *     /} non-empty), see {@link #isValidName}
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

  /**
   * True when {@link #of(String)} accepts the name: it prints as a keyword that Clojure reads back
   * ({@code "chat/send"} yes; {@code ""}, {@code "a b"}, {@code "a/"} no).
   */
  public static boolean isValidName(String name) {
    return name != null && Names.invalidReason(name, true) == null;
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

  /** The Clojure text: {@code :chat/send}. */
  @Override
  public String toString() {
    return ":" + name;
  }
}
