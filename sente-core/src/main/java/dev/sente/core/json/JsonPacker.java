package dev.sente.core.json;

import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default packer: JSON text on Jackson 3, the reference mapping of Sente's value model to JSON
 * (PROTOCOL.md section 3). Sente's keywords are strings: the event id {@code :chat/send} is {@code
 * "chat/send"}, the Ajax marker {@code :ajax} is {@code "ajax"}.
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

  private final JsonMapper mapper;

  private JsonPacker(JsonMapper mapper) {
    this.mapper = mapper;
  }

  /** A JSON packer with the library's default mapper. */
  public static JsonPacker create() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(DEFAULT_MAX_NESTING_DEPTH).build())
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
      return Packed.text(mapper.writeValueAsString(value));
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
      return mapper.readValue(text, Object.class);
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
}
