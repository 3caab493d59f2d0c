package dev.sente.transit.internal;

import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.WriteHandler;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import dev.sente.core.Packed;
import java.util.Map;

/**
 * Transit JSON in both directions on one Jackson 2 factory, so that the writer never produces what
 * the reader refuses: nesting up to {@code maxDepth}, numbers up to 1000 digits.
 *
 * <p>This is the only place (with the classes it uses) that touches transit-java's {@code impl}
 * package ({@code JsonEmitter}, {@code JsonParser}, {@code ReadCache}, {@code WriteCache}); they
 * are public classes, used here for control of the Jackson factory and strict reading, and the
 * transit-java version is pinned in this module's pom.
 *
 * <pre>{@code
 * TransitCodec codec = TransitCodec.create(256, Map.of(), Map.of());
 * String text = codec.write(List.of(TransitFactory.keyword("a/b"), 1)); // ["~:a/b",1]
 * Object back = codec.read(Packed.text(text));
 * }</pre>
 */
public final class TransitCodec {

  private final TransitWriter writer;
  private final TransitReader reader;

  private TransitCodec(TransitWriter writer, TransitReader reader) {
    this.writer = writer;
    this.reader = reader;
  }

  /**
   * A codec with the given nesting bound and the application's extra handlers.
   *
   * @param maxDepth the deepest nesting written or read
   * @param writeHandlers write handlers by class, over this module's and transit-java's
   * @param readHandlers read handlers by tag, over this module's and transit-java's
   */
  public static TransitCodec create(
      int maxDepth,
      Map<Class<?>, WriteHandler<?, ?>> writeHandlers,
      Map<String, ReadHandler<?, ?>> readHandlers) {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxDepth)
                    .maxNumberLength(ValueLimits.MAX_NUMBER_LENGTH)
                    .build())
            .streamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(maxDepth).build())
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    return new TransitCodec(
        new TransitWriter(factory, writeHandlers, maxDepth),
        new TransitReader(factory, readHandlers, maxDepth));
  }

  /** The Transit JSON text of a value; {@link dev.sente.core.PackException} if it cannot. */
  public String write(Object value) {
    return writer.write(value);
  }

  /** Reads one value; {@link dev.sente.core.PackException} for anything malformed. */
  public Object read(Packed packed) {
    return reader.read(packed);
  }
}
