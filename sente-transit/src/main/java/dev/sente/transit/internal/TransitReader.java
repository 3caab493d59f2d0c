package dev.sente.transit.internal;

import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.TransitFactory;
import com.cognitect.transit.impl.ReaderFactory;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.SenteException;
import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads Transit JSON (non-verbose and verbose) into Java values, strictly: one well-formed value
 * per input, nesting and number lengths bounded by the Jackson 2 factory's read constraints, every
 * failure a {@link PackException}. Thread-safe: each call uses its own parser and cache.
 */
final class TransitReader {

  private final JsonFactory factory;
  private final Map<String, ReadHandler<?, ?>> handlers;
  private final int maxDepth;

  /**
   * A reader with transit-java's handlers, this module's over them, the application's on top. The
   * application may not replace the handlers of Transit's ground types ({@code _ s ? i d b '}).
   *
   * @param factory the Jackson 2 factory, with its read constraints
   * @param custom the application's handlers by tag
   * @param maxDepth the nesting bound the factory enforces, for error messages
   */
  TransitReader(JsonFactory factory, Map<String, ReadHandler<?, ?>> custom, int maxDepth) {
    this.factory = factory;
    this.maxDepth = maxDepth;
    try {
      TransitFactory.readHandlerMap(custom); // refuses to override Transit's ground types
    } catch (IllegalArgumentException e) {
      throw new SenteException(e.getMessage(), e);
    }
    // A plain map: transit-java's ReadHandlerMap also refuses this module's bounded "i" and "d".
    Map<String, ReadHandler<?, ?>> all = new HashMap<>(ReaderFactory.defaultHandlers());
    all.putAll(JavaReadHandlers.handlers());
    all.putAll(custom);
    this.handlers = Map.copyOf(all);
  }

  /** Reads one packed value. */
  Object read(Packed packed) {
    try (JsonParser jp =
        packed instanceof Packed.Text text
            ? factory.createParser(text.text())
            : factory.createParser(packed.bytes())) {
      return new StrictJsonParser(jp, handlers, JavaReadHandlers.UNKNOWN_TAGS).readOne();
    } catch (PackException e) {
      throw e;
    } catch (StreamConstraintsException e) {
      throw new PackException(
          "Transit input over a limit (nesting "
              + maxDepth
              + ", numbers "
              + ValueLimits.MAX_NUMBER_LENGTH
              + " digits): "
              + e.getOriginalMessage(),
          e);
    } catch (EOFException e) {
      throw new PackException("Empty Transit input", e);
    } catch (JsonProcessingException e) {
      throw new PackException("Malformed Transit JSON: " + e.getOriginalMessage(), e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new PackException("Malformed Transit: " + ValueLimits.shorten(String.valueOf(e)), e);
    }
  }
}
