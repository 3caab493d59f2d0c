package dev.sente.transit.internal;

import com.cognitect.transit.ArrayReadHandler;
import com.cognitect.transit.DefaultReadHandler;
import com.cognitect.transit.MapReadHandler;
import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.impl.JsonParser;
import com.cognitect.transit.impl.ReadCache;
import com.fasterxml.jackson.core.JsonToken;
import dev.sente.core.PackException;
import java.io.IOException;
import java.util.Map;

/**
 * transit-java's JSON parser, made strict: a tagged array or tagged map must end right after its
 * value ({@code ["~#x",1,2]} is refused instead of being read out of step), the input must hold
 * exactly one value, and cache references must point at values already read ({@link
 * StrictReadCache}). One instance reads one input, on one thread.
 */
final class StrictJsonParser extends JsonParser {

  private final com.fasterxml.jackson.core.JsonParser jp;

  StrictJsonParser(
      com.fasterxml.jackson.core.JsonParser jp,
      Map<String, ReadHandler<?, ?>> handlers,
      DefaultReadHandler<?> unknownTags) {
    super(
        jp,
        handlers,
        unknownTags,
        new JavaReadHandlers.MapBuilder(),
        new JavaReadHandlers.ListBuilder());
    this.jp = jp;
  }

  /** Reads the single value of the input. */
  Object readOne() throws IOException {
    Object value = parse(new StrictReadCache(this));
    if (jp.nextToken() != null) {
      throw new PackException("Trailing content after the Transit value");
    }
    return JavaReadHandlers.checked(value);
  }

  /** Decodes one string ({@code "~:a"}, {@code "~#tag"}, {@code "~~x"} ...) without the cache. */
  Object decodeString(String s) {
    return parseString(s);
  }

  @Override
  public Object parseVal(boolean asMapKey, ReadCache cache) throws IOException {
    JsonToken token = jp.currentToken();
    if (token == null || token.isStructEnd()) {
      // transit-java would read the missing value as null and go on out of step.
      throw new PackException("A Transit tag or map key without its value");
    }
    return super.parseVal(asMapKey, cache);
  }

  @Override
  public Object parseArray(
      boolean ignored, ReadCache cache, ArrayReadHandler<Object, ?, Object, ?> handler)
      throws IOException {
    Object value = super.parseArray(ignored, cache, handler);
    expectEnd(JsonToken.END_ARRAY);
    return value;
  }

  @Override
  public Object parseMap(
      boolean ignored,
      ReadCache cache,
      MapReadHandler<Object, ?, Object, Object, ?> handler,
      JsonToken endToken)
      throws IOException {
    Object value = super.parseMap(ignored, cache, handler, endToken);
    expectEnd(endToken);
    return value;
  }

  private void expectEnd(JsonToken end) {
    if (jp.currentToken() != end) {
      throw new PackException("A tagged Transit value must hold exactly one value");
    }
  }
}
