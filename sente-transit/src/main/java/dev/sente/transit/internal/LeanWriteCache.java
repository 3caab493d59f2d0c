package dev.sente.transit.internal;

import com.cognitect.transit.impl.WriteCache;
import java.util.HashMap;
import java.util.Map;

/**
 * Transit's write cache with the same codes as transit-java's ({@code "^0"} ... {@code "^[["}, 44
 * digits from {@code '0'}, starting again after 44 × 44 entries), but a map that grows with use:
 * transit-java's sizes its map for all 1936 entries, which costs more than writing a small frame.
 */
final class LeanWriteCache extends WriteCache {

  private final Map<String, String> codes = new HashMap<>();
  private int next;

  LeanWriteCache() {
    super(true);
  }

  @Override
  public String cacheWrite(String s, boolean asMapKey) {
    if (!isCacheable(s, asMapKey)) {
      return s;
    }
    String code = codes.get(s);
    if (code != null) {
      return code;
    }
    if (next == MAX_CACHE_ENTRIES) {
      init();
    }
    codes.put(s, code(next++));
    return s;
  }

  @Override
  public WriteCache init() {
    next = 0;
    codes.clear();
    return this;
  }

  private static String code(int index) {
    int hi = index / CACHE_CODE_DIGITS;
    int lo = index % CACHE_CODE_DIGITS;
    char loChar = (char) (lo + BASE_CHAR_IDX);
    return hi == 0 ? "^" + loChar : "^" + (char) (hi + BASE_CHAR_IDX) + loChar;
  }
}
