package dev.sente.core.json;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import dev.sente.core.Symbol;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The default packer: JSON text on Jackson 3, mapping Sente's value model to JSON (see
 * docs/protocol.md, Packers). Sente's keywords are strings: the event id {@code :chat/send} is
 * {@code "chat/send"}, the Ajax marker {@code :ajax} is {@code "ajax"}.
 *
 * <p>JSON has no keywords or symbols, so the shared {@link Keyword} and {@link Symbol} are written
 * as their names, as {@link #keyword} writes Sente's own: {@code Map.of(Keyword.of("ok"), true)} is
 * {@code {"ok":true}}, {@code Keyword.of("chat/send")} is {@code "chat/send"} (no colon, as a value
 * and as a map key); {@link #convert} turns such strings back into a {@code Keyword} or {@code
 * Symbol} where the target type asks for one. This holds for the application's own mapper too.
 *
 * <p>Unpacked values are {@code List}, {@code Map<String, Object>}, {@code String}, {@code
 * Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean} and {@code null};
 * {@link #convert} turns them into records or POJOs with the same mapper. Nesting deeper than
 * {@value #DEFAULT_MAX_NESTING_DEPTH} levels is refused.
 *
 * <pre>{@code
 * Packer packer = JsonPacker.create();
 * Packer custom = JsonPacker.create(JsonMapper.builder().findAndAddModules().build());
 * }</pre>
 */
public final class JsonPacker implements Packer {

  /** The deepest nesting that {@link #unpack} reads before it refuses the input. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 256;

  /** Keywords and symbols as their names, in both directions. */
  private static final SimpleModule NAMES =
      new SimpleModule("sente-keywords")
          .addSerializer(Keyword.class, new NameSerializer<>(Keyword::name, false))
          .addKeySerializer(Keyword.class, new NameSerializer<>(Keyword::name, true))
          .addSerializer(Symbol.class, new NameSerializer<>(Symbol::name, false))
          .addKeySerializer(Symbol.class, new NameSerializer<>(Symbol::name, true))
          .addDeserializer(Keyword.class, new NameDeserializer<>(Keyword.class, Keyword::of))
          .addDeserializer(Symbol.class, new NameDeserializer<>(Symbol.class, Symbol::of))
          .addKeyDeserializer(Keyword.class, new NameKeyDeserializer(Keyword::of))
          .addKeyDeserializer(Symbol.class, new NameKeyDeserializer(Symbol::of));

  private final JsonMapper mapper;
  // made once: mapper.readValue(text, Object.class) resolves the type again on every call
  private final ObjectReader reader;
  private final ObjectWriter writer;

  private JsonPacker(JsonMapper mapper) {
    this.mapper = mapper.rebuild().addModule(NAMES).build();
    this.reader = this.mapper.readerFor(Object.class);
    this.writer = this.mapper.writer();
  }

  /** A JSON packer with the library's default mapper. */
  public static JsonPacker create() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(DEFAULT_MAX_NESTING_DEPTH).build())
            // Jackson's default pool of buffers is one shared deque, which the profile of a node
            // packing and unpacking on several threads at once showed among its hottest methods;
            // the hybrid pool keeps a buffer per platform thread, and a striped one for virtual
            .recyclerPool(JsonRecyclerPools.sharedHybridPool())
            .build();
    return new JsonPacker(
        JsonMapper.builder(factory)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build());
  }

  /** A JSON packer on the application's own mapper (modules, naming, constraints). */
  public static JsonPacker create(JsonMapper mapper) {
    return new JsonPacker(Objects.requireNonNull(mapper, "mapper"));
  }

  @Override
  public String name() {
    return "json";
  }

  @Override
  public Packed pack(Object value) {
    try {
      return Packed.text(writer.writeValueAsString(value));
    } catch (JacksonException e) {
      throw new PackException("Cannot pack value as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Object unpack(Packed packed) {
    String text =
        packed instanceof Packed.Text t
            ? t.text()
            : new String(packed.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      return reader.readValue(text);
    } catch (JacksonException e) {
      throw new PackException("Malformed JSON: " + e.getOriginalMessage(), e);
    } catch (StackOverflowError e) {
      throw new PackException("JSON nested too deeply", null);
    }
  }

  @Override
  public Object keyword(String name) {
    return name;
  }

  @Override
  public Optional<String> keywordName(Object value) {
    return value instanceof String s ? Optional.of(s) : Optional.empty();
  }

  @Override
  public <T> T convert(Object value, Type type) {
    try {
      return mapper.convertValue(value, mapper.getTypeFactory().constructType(type));
    } catch (JacksonException | IllegalArgumentException e) {
      throw new PackException("Cannot convert " + describe(value) + " to " + type, e);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "JsonPacker";
  }

  /** Writes a keyword or symbol as its name: a string value, or a map key. */
  private static final class NameSerializer<T> extends ValueSerializer<T> {
    private final Function<T, String> name;
    private final boolean key;

    NameSerializer(Function<T, String> name, boolean key) {
      this.name = name;
      this.key = key;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializationContext ctxt) {
      if (key) {
        gen.writeName(name.apply(value));
      } else {
        gen.writeString(name.apply(value));
      }
    }
  }

  /** Reads a keyword or symbol from a string, where the target type asks for one. */
  private static final class NameDeserializer<T> extends ValueDeserializer<T> {
    private final Class<T> type;
    private final Function<String, T> of;

    NameDeserializer(Class<T> type, Function<String, T> of) {
      this.type = type;
      this.of = of;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser p, DeserializationContext ctxt) {
      if (!p.hasToken(tools.jackson.core.JsonToken.VALUE_STRING)) {
        return (T) ctxt.handleUnexpectedToken(type, p);
      }
      return of.apply(p.getString());
    }
  }

  private static final class NameKeyDeserializer extends KeyDeserializer {
    private final Function<String, ?> of;

    NameKeyDeserializer(Function<String, ?> of) {
      this.of = of;
    }

    @Override
    public Object deserializeKey(String key, DeserializationContext ctxt) {
      return of.apply(key);
    }
  }
}
