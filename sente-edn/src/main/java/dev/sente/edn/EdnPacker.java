package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The EDN packer, byte-compatible with real Sente's default packer: it writes what Clojure's {@code
 * pr-str} prints and reads what {@code clojure.edn/read-string} reads, so a real Sente client
 * (ClojureScript or Clojure) talks to a Sente for Java server with no change.
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder().packer(EdnPacker.create()).build();
 *
 * EdnPacker packer = EdnPacker.create();
 * packer.write(List.of(Keyword.of("chat/msg"), new ChatLine("hi")));   // [:chat/msg {:text "hi"}]
 * Object value = packer.read("{:text \"hi\"}");                          // {Keyword[text]=hi}
 * ChatLine line = packer.convert(value, ChatLine.class);                 // ChatLine[text=hi]
 *
 * EdnPacker custom = EdnPacker.builder()
 *     .tag("my/money", v -> Money.parse((String) v))                    // read #my/money "1.50 EUR"
 *     .writer(Money.class, "my/money", Money::toString)                  // write it back
 *     .build();
 * }</pre>
 *
 * <p>The mapping between EDN and Java is in this module's README: keywords are {@link Keyword},
 * vectors read as unmodifiable {@link List}s and lists {@code ( )} as {@link EdnList}, maps as
 * unmodifiable insertion-ordered maps, sets as unmodifiable insertion-ordered sets, integers as
 * {@link Long} (or {@link java.math.BigInteger} past its range or with {@code N}), {@code #inst} as
 * {@link java.time.Instant} and {@code #uuid} as {@link java.util.UUID}. Every {@link List}, array
 * and other collection is written as a vector, records and POJOs as maps with keyword keys.
 *
 * <p>Limits: nesting deeper than {@link #DEFAULT_MAX_DEPTH} levels, and numbers longer than {@link
 * #DEFAULT_MAX_NUMBER_DIGITS} characters, are refused with {@link PackException} (both
 * configurable). An unknown tag is a {@link PackException} unless a default tag reader is set.
 * Instances are immutable and thread-safe.
 */
public final class EdnPacker implements Packer {

  /** The deepest nesting read, written or converted before the value is refused. */
  public static final int DEFAULT_MAX_DEPTH = 256;

  /** The longest number token read (and the largest decimal exponent), in characters. */
  public static final int DEFAULT_MAX_NUMBER_DIGITS = 10_000;

  private final Options options;
  private final ClassValue<Optional<Options.WriterHook>> hooks;
  private final Converter converter;

  private EdnPacker(Options options) {
    this.options = options;
    this.hooks = options.hookLookup();
    this.converter = new Converter(options.maxDepth(), v -> unpack(pack(v)));
  }

  /** A packer with the defaults: built-in tags only, depth 256, numbers up to 10,000 digits. */
  public static EdnPacker create() {
    return builder().build();
  }

  /** A builder for a packer with its own tags, writers and limits. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "edn";
  }

  @Override
  public Packed pack(Object value) {
    return Packed.text(write(value));
  }

  @Override
  public Object unpack(Packed packed) {
    Objects.requireNonNull(packed, "packed");
    String text =
        packed instanceof Packed.Text t
            ? t.text()
            : new String(packed.bytes(), StandardCharsets.UTF_8);
    return read(text);
  }

  /** The EDN text of a value, as {@link #pack} writes it. */
  public String write(Object value) {
    return EdnWriter.write(value, options, hooks);
  }

  /**
   * Reads one EDN value, as {@link #unpack} does; blank text (or only comments) reads as null, like
   * Sente. Content after the value is refused.
   */
  public Object read(CharSequence text) {
    Objects.requireNonNull(text, "text");
    return EdnReader.read(text.toString(), options);
  }

  /** The keyword itself: {@code keyword("chsk/handshake")} is {@code :chsk/handshake}. */
  @Override
  public Keyword keyword(String name) {
    Objects.requireNonNull(name, "name");
    try {
      return Keyword.of(name);
    } catch (IllegalArgumentException e) {
      throw new PackException(e.getMessage());
    }
  }

  /** The name of a {@link Keyword}; empty for anything else, strings included. */
  @Override
  public Optional<String> keywordName(Object value) {
    return value instanceof Keyword k ? Optional.of(k.name()) : Optional.empty();
  }

  /**
   * Converts an unpacked value (or an application object) to the given type; see the README for the
   * rules. Maps become records or POJOs (keyword or string keys matched to component or property
   * names, also in kebab-case: {@code :user-id} fills {@code userId}), keywords become strings or
   * enum constants, numbers are widened or narrowed exactly, vectors and sets become lists, sets or
   * arrays.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T convert(Object value, Type type) {
    Objects.requireNonNull(type, "type");
    return (T) converter.convert(value, type);
  }

  @Override
  public String toString() {
    return "EdnPacker";
  }

  /**
   * Configures an {@link EdnPacker}. Tag readers and writers are applied in registration order.
   *
   * <pre>{@code
   * EdnPacker packer = EdnPacker.builder()
   *     .tag("my/point", v -> new Point((List<?>) v))
   *     .writer(Point.class, "my/point", p -> List.of(p.x(), p.y()))
   *     .defaultTag(TaggedValue::new)          // keep other unknown tags instead of failing
   *     .maxDepth(64)
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    private final Map<String, Function<Object, ?>> tagReaders = new HashMap<>();
    private final List<Options.WriterHook> writers = new ArrayList<>();
    private BiFunction<String, Object, ?> defaultTagReader;
    private int maxDepth = DEFAULT_MAX_DEPTH;
    private int maxNumberDigits = DEFAULT_MAX_NUMBER_DIGITS;
    private boolean stringKeysAsKeywords;

    private Builder() {}

    /**
     * Reads {@code #tag value} through the function, which gets the value already read (a string,
     * vector, map...). It may replace the built-in {@code inst} and {@code uuid}. An exception it
     * throws becomes a {@link PackException}.
     */
    public Builder tag(String tag, Function<Object, ?> reader) {
      Objects.requireNonNull(tag, "tag");
      Objects.requireNonNull(reader, "reader");
      TaggedValue.checkTag(tag);
      tagReaders.put(tag, reader);
      return this;
    }

    /**
     * Reads every tag that has no reader through this function of tag and value; without one an
     * unknown tag is a {@link PackException}. {@code TaggedValue::new} keeps them as they are.
     */
    public Builder defaultTag(BiFunction<String, Object, ?> reader) {
      this.defaultTagReader = Objects.requireNonNull(reader, "reader");
      return this;
    }

    /**
     * Writes values of the type (and its subtypes) as {@code #tag value}, where value is what the
     * function returns, written as EDN in turn.
     */
    public <T> Builder writer(Class<T> type, String tag, Function<? super T, ?> toValue) {
      Objects.requireNonNull(tag, "tag");
      TaggedValue.checkTag(tag);
      return addWriter(type, tag, toValue);
    }

    /** Writes values of the type (and its subtypes) as what the function returns, untagged. */
    public <T> Builder writer(Class<T> type, Function<? super T, ?> toValue) {
      return addWriter(type, null, toValue);
    }

    private <T> Builder addWriter(Class<T> type, String tag, Function<? super T, ?> toValue) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(toValue, "toValue");
      writers.add(new Options.WriterHook(type, tag, v -> toValue.apply(type.cast(v))));
      return this;
    }

    /** The deepest nesting read, written or converted (default {@value #DEFAULT_MAX_DEPTH}). */
    public Builder maxDepth(int maxDepth) {
      if (maxDepth < 1) {
        throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
      }
      this.maxDepth = maxDepth;
      return this;
    }

    /** The longest number read, in characters (default {@value #DEFAULT_MAX_NUMBER_DIGITS}). */
    public Builder maxNumberDigits(int maxNumberDigits) {
      if (maxNumberDigits < 20) {
        throw new IllegalArgumentException("maxNumberDigits must be at least 20");
      }
      this.maxNumberDigits = maxNumberDigits;
      return this;
    }

    /**
     * Writes string map keys as keywords ({@code Map.of("ok", true)} as {@code {:ok true}}, what
     * ClojureScript code expects); off by default, which writes them as strings like pr-str.
     */
    public Builder stringKeysAsKeywords(boolean enabled) {
      this.stringKeysAsKeywords = enabled;
      return this;
    }

    /** The packer. */
    public EdnPacker build() {
      return new EdnPacker(
          new Options(
              maxDepth,
              maxNumberDigits,
              tagReaders,
              defaultTagReader,
              writers,
              stringKeysAsKeywords));
    }
  }
}
