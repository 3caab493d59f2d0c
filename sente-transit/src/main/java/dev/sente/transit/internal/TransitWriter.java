package dev.sente.transit.internal;

import com.cognitect.transit.WriteHandler;
import com.cognitect.transit.impl.JsonEmitter;
import com.cognitect.transit.impl.WriteHandlerMap;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import dev.sente.core.PackException;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes values as Transit JSON (non-verbose, with Transit's caching: keywords, symbols, tags and
 * map keys of 4 characters or more repeat as {@code "^0"}, {@code "^1"} ... within one value).
 *
 * <p>Uses transit-java's own emitter ({@code JsonEmitter}, {@code WriteCache}) on a Jackson 2
 * generator this class configures, so that the nesting bound is the reader's. transit-java's
 * handler map caches subclass look-ups in a plain {@code HashMap}, so each write borrows a map of
 * its own from a small pool. Thread-safe.
 */
final class TransitWriter {

  /** Handler maps kept for reuse; more writers at once simply build more. */
  private static final int MAX_SPARE_MAPS = 16;

  private final JsonFactory factory;
  private final WriteHandlerMap handlers;
  private final WriteHandler<Object, Object> fallback = JavaWriteHandlers.fallback();
  private final int maxDepth;
  private final Queue<WriteHandlerMap> spareMaps = new ConcurrentLinkedQueue<>();
  private final AtomicInteger spareCount = new AtomicInteger();

  /**
   * A writer with this module's handlers, then the application's ones over them.
   *
   * @param factory the Jackson 2 factory, with its write constraints
   * @param custom the application's handlers by class
   * @param maxDepth the nesting bound the factory enforces, for error messages
   */
  @SuppressWarnings("rawtypes")
  TransitWriter(JsonFactory factory, Map<Class<?>, WriteHandler<?, ?>> custom, int maxDepth) {
    this.factory = factory;
    this.maxDepth = maxDepth;
    Map<Class, WriteHandler<?, ?>> all = new HashMap<>(JavaWriteHandlers.handlers());
    all.putAll(EdnValueHandlers.handlers());
    // transit-java finds its null handler for a plain Object (its superclass look-up reaches
    // null); this makes a bare Object go to the fallback, which refuses it.
    all.put(Object.class, fallback);
    all.putAll(custom);
    this.handlers = new WriteHandlerMap(all);
  }

  /** The Transit JSON text of a value. */
  String write(Object value) {
    Object top = JavaWriteHandlers.UNWRAP_OPTIONAL.apply(value);
    StringWriter out = new StringWriter(128);
    WriteHandlerMap map = spareMaps.poll();
    if (map == null) {
      map = new WriteHandlerMap(handlers);
    } else {
      spareCount.decrementAndGet();
    }
    try (JsonGenerator gen = factory.createGenerator(out)) {
      JsonEmitter emitter =
          new JsonEmitter(new FlushOnClose(gen), map, fallback, JavaWriteHandlers.UNWRAP_OPTIONAL);
      emitter.emit(top, false, new LeanWriteCache());
    } catch (PackException e) {
      throw e;
    } catch (StreamConstraintsException e) {
      throw new PackException("Value nested deeper than " + maxDepth + " levels", e);
    } catch (JsonProcessingException e) {
      throw new PackException("Cannot pack value as Transit: " + e.getOriginalMessage(), e);
    } catch (Exception | StackOverflowError e) {
      throw new PackException("Cannot pack value as Transit: " + e, e);
    } finally {
      if (spareCount.incrementAndGet() <= MAX_SPARE_MAPS) {
        spareMaps.offer(map);
      } else {
        spareCount.decrementAndGet();
      }
    }
    return out.toString();
  }

  /**
   * transit-java's emitter flushes after every value it writes; into a string that only copies
   * small pieces, so flushing waits for the close.
   */
  private static final class FlushOnClose extends JsonGeneratorDelegate {
    FlushOnClose(JsonGenerator gen) {
      super(gen, false);
    }

    @Override
    public void flush() {}
  }
}
