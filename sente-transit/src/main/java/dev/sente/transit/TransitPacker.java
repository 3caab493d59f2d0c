package dev.sente.transit;

import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.WriteHandler;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import dev.sente.core.SenteException;
import dev.sente.transit.internal.TransitCodec;
import dev.sente.transit.internal.ValueConverter;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sente's Transit packer: Transit JSON text on transit-java, the wire format of a Clojure Sente
 * peer configured with Sente's Transit packer ({@code taoensso.sente.packers.transit}: {@code
 * :json}, default handlers, Transit's caching). Sente's keywords are Transit keywords, and the
 * shared {@link Keyword} and {@link dev.sente.core.Symbol} of {@code sente-core} are Transit's
 * keywords and symbols in both directions ({@code Map.of(Keyword.of("ok"), true)} is {@code ["^
 * ","~:ok",true]}, as the EDN packer writes it {@code {:ok true}}): the handshake for {@code alice}
 * is {@code [["~:chsk/handshake",["alice",null,null]],null]}, and a keyword repeated in one message
 * is a cache reference: {@code [[["~:chat/msg","a"],["^0","b"]],null]}.
 *
 * <p><b>Writing.</b> {@code List}s (and other collections, and object arrays) become Transit arrays
 * (Clojure vectors); {@code Set}s {@code ~#set}; {@code Map}s maps with their own keys; records and
 * POJOs maps with keyword keys named after their components or getters ({@code {:text "hi"}});
 * {@code String}, {@code Boolean}, {@code null}, integers (as {@code ~i} past 2<sup>53</sup>),
 * {@code Double}/{@code Float}, {@code BigInteger} ({@code ~n}), {@code BigDecimal} ({@code ~f}),
 * {@code Character} ({@code ~c}), {@code UUID} ({@code ~u}), {@code Date}, {@code Instant}, {@code
 * OffsetDateTime} and {@code ZonedDateTime} ({@code ~m} milliseconds), {@code byte[]} ({@code ~b}),
 * enums (keywords of their name, {@code ~:ACTIVE}), other {@code java.time} values (ISO strings),
 * {@code Optional} (its value or null), the shared {@code Keyword} ({@code ~:}) and {@code Symbol}
 * ({@code ~$}), the EDN packer's {@code TaggedValue} ({@code ["~#tag",value]}), {@code Ratio}
 * ({@code ~#ratio}) and {@code EdnList} ({@code ~#list}), and transit-java's own {@code Keyword},
 * {@code Symbol}, {@code Ratio}, {@code URI}, {@code TaggedValue}. Any other JDK class is refused
 * unless a write handler is added.
 *
 * <p><b>Reading.</b> Arrays are {@code List} ({@code ArrayList}), maps {@code Map} ({@code
 * LinkedHashMap}, wire order, keys as read: {@code Keyword}, {@code String} ...), {@code ~#set}
 * {@code Set}, {@code ~#list} {@code List}; JSON integers {@code Long} ({@code BigInteger} past the
 * long range), JSON decimals {@code Double}; {@code ~i} {@code Long}, {@code ~n} {@code
 * BigInteger}, {@code ~f} {@code BigDecimal}, {@code ~d}/{@code ~z} {@code Double}, {@code ~c}
 * {@code Character}, {@code ~u} {@code UUID}, {@code ~m}/{@code ~t} {@code java.util.Date}, {@code
 * ~b} {@code byte[]}, {@code ~:} the shared {@link Keyword} and {@code ~$} the shared {@code
 * Symbol} (as the EDN packer reads keywords and symbols), {@code ~r} Transit {@code URI}, {@code
 * ~#ratio} {@code Ratio}, {@code ~#cmap} {@code Map}. An unknown tag ({@code "~xfoo"}, {@code
 * ["~#point",[1,2]]}) is kept as a {@code TaggedValue}, as Transit's specification asks, and
 * written back unchanged. Anything malformed (bad JSON, trailing content, a misplaced tag, a cache
 * reference to nothing, nesting deeper than {@link #DEFAULT_MAX_NESTING_DEPTH}, numbers longer than
 * 1000 digits) is a {@link PackException}.
 *
 * <p>{@link #convert} maps unpacked values to records, POJOs, enums and collections as the EDN
 * packer does: keyword or string keys name properties (also in kebab-case), keywords become strings
 * or enum constants, numbers convert only when they fit. Thread-safe.
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder().packer(TransitPacker.create()).build();
 *
 * Packer transit = TransitPacker.builder()
 *     .writeHandler(Point.class, new PointWriteHandler())   // transit-java WriteHandler
 *     .readHandler("point", (ReadHandler<Point, List<Long>>) rep -> new Point(rep.get(0), rep.get(1)))
 *     .build();
 * }</pre>
 */
public final class TransitPacker implements Packer {

  /** The deepest nesting written or read; deeper values are refused with a PackException. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 256;

  private final TransitCodec codec;
  private final ValueConverter converter;

  private TransitPacker(TransitCodec codec) {
    this.codec = codec;
    this.converter = new ValueConverter(v -> codec.read(Packed.text(codec.write(v))));
  }

  /** A Transit JSON packer with the default handlers and bounds. */
  public static TransitPacker create() {
    return builder().build();
  }

  /** A builder for a packer with extra handlers or another nesting bound. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "transit-json";
  }

  @Override
  public Packed pack(Object value) {
    return Packed.text(codec.write(value));
  }

  @Override
  public Object unpack(Packed packed) {
    return codec.read(Objects.requireNonNull(packed, "packed"));
  }

  /**
   * The shared keyword, written as a Transit keyword: {@code "chat/send"} is {@code :chat/send},
   * written {@code "~:chat/send"}. A name Clojure cannot read back is a {@link PackException}.
   */
  @Override
  public Keyword keyword(String name) {
    Objects.requireNonNull(name, "name");
    if (!Keyword.isValidName(name)) {
      throw new PackException("Invalid keyword name \"" + name + "\"");
    }
    return Keyword.of(name);
  }

  /**
   * The full name ({@code ns/name}) of a keyword, the shared {@link Keyword} or transit-java's own;
   * empty for anything else, strings and symbols included.
   */
  @Override
  public Optional<String> keywordName(Object value) {
    if (value instanceof Keyword k) {
      return Optional.of(k.name());
    }
    if (value instanceof com.cognitect.transit.Keyword k) {
      return Optional.of(
          k.getNamespace() == null ? k.getName() : k.getNamespace() + "/" + k.getName());
    }
    return Optional.empty();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T convert(Object value, Type type) {
    return (T) converter.convert(value, Objects.requireNonNull(type, "type"));
  }

  @Override
  public String toString() {
    return "TransitPacker";
  }

  /**
   * Builds a {@link TransitPacker}. Handlers are transit-java's {@link WriteHandler} and {@link
   * ReadHandler}, as Sente's Transit packer takes handlers for its writer and reader; they take
   * precedence over the built-in ones.
   */
  public static final class Builder {
    private final Map<Class<?>, WriteHandler<?, ?>> writeHandlers = new HashMap<>();
    private final Map<String, ReadHandler<?, ?>> readHandlers = new HashMap<>();
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

    private Builder() {}

    /**
     * Writes instances of the class (and of its subclasses without a handler) with this handler.
     */
    public Builder writeHandler(Class<?> type, WriteHandler<?, ?> handler) {
      writeHandlers.put(
          Objects.requireNonNull(type, "type"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * Reads values with this tag ({@code "point"} for {@code ["~#point",..]}) with this handler.
     */
    public Builder readHandler(String tag, ReadHandler<?, ?> handler) {
      readHandlers.put(
          Objects.requireNonNull(tag, "tag"), Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /**
     * The deepest nesting written or read; default {@value
     * TransitPacker#DEFAULT_MAX_NESTING_DEPTH}.
     */
    public Builder maxNestingDepth(int depth) {
      if (depth < 1) {
        throw new SenteException("maxNestingDepth must be at least 1, got " + depth);
      }
      this.maxNestingDepth = depth;
      return this;
    }

    /** The packer. */
    public TransitPacker build() {
      return new TransitPacker(
          TransitCodec.create(
              maxNestingDepth, Map.copyOf(writeHandlers), Map.copyOf(readHandlers)));
    }
  }
}
