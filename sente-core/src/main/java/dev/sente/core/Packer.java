package dev.sente.core;

import java.lang.reflect.Type;
import java.util.Optional;

/**
 * Turns values into text or bytes for the wire, and back. Client and server must use the same
 * packer.
 *
 * <p>Unpacked values are plain Java values: {@link java.util.List} for vectors and lists, {@link
 * java.util.Map} for maps, {@link String}, numbers, {@link Boolean}, {@code null}, plus whatever
 * the format has of its own (sets, tagged values). Keywords and symbols are the shared {@link
 * Keyword} and {@link Symbol} in every packer that has them (EDN, Transit), in both directions, so
 * that the same application value is the same Clojure value whichever packer is used; a packer
 * without keywords writes them as their names (JSON: {@code Keyword.of("ok")} is {@code "ok"}) or
 * refuses them with a {@link PackException}, never as a map of the record's fields.
 *
 * <p>Sente's keywords are written through {@link #keyword(String)} and read through {@link
 * #keywordName(Object)}, so the engine and the clients never depend on one format: the JSON packer
 * writes the keyword {@code :chat/send} as the string {@code "chat/send"}, the EDN and Transit
 * packers as the {@link Keyword} itself.
 *
 * <p>Implementations must be thread-safe and must report every failure as {@link PackException},
 * never with another exception, a hang or a stack overflow (bound the nesting depth).
 *
 * <pre>{@code
 * Packer json = JsonPacker.create();
 * Packed text = json.pack(List.of(List.of(json.keyword("chat/msg"), Map.of("text", "hi")), null));
 * // [["chat/msg",{"text":"hi"}],null]
 * }</pre>
 */
public interface Packer {

  /** A short name: {@code json}, {@code edn}, {@code transit-json}, {@code msgpack}. */
  String name();

  /** True when this packer writes binary frames and bodies; text otherwise. */
  default boolean binary() {
    return false;
  }

  /** Packs a value; the value may contain application objects (records, POJOs, maps). */
  Packed pack(Object value);

  /** Reads a packed value. Throws {@link PackException} for anything that is not well formed. */
  Object unpack(Packed packed);

  /**
   * How this packer represents the Sente keyword with the given name ({@code "chsk/handshake"}).
   */
  Object keyword(String name);

  /**
   * The keyword name of a value when the value can stand for a keyword in this packer ({@code
   * "chat/send"}), empty otherwise. The JSON packer accepts strings; the EDN packer only keywords.
   */
  Optional<String> keywordName(Object value);

  /**
   * Converts an unpacked value into the given type (a record, a POJO, a collection type), as the
   * application asked for it. Throws {@link PackException} when it does not fit.
   */
  <T> T convert(Object value, Type type);

  /** Converts an unpacked value into the given class; see {@link #convert(Object, Type)}. */
  default <T> T convert(Object value, Class<T> type) {
    return convert(value, (Type) type);
  }
}
