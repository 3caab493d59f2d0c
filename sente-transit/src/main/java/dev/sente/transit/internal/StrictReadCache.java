package dev.sente.transit.internal;

import com.cognitect.transit.impl.AbstractParser;
import com.cognitect.transit.impl.ReadCache;
import com.cognitect.transit.impl.WriteCache;
import dev.sente.core.PackException;
import java.util.Arrays;

/**
 * Transit's read cache with strict references: {@code "^0"} ... {@code "^~~"} must name a value
 * already read in this input; anything else starting with {@code ^} (other than the map marker
 * {@code "^ "}) is refused. Same numbering as Transit's writers: 44 digits from {@code '0'}, one or
 * two of them, wrapping after 44 × 44 entries.
 */
final class StrictReadCache extends ReadCache {

  private static final int BASE = WriteCache.BASE_CHAR_IDX;
  private static final int DIGITS = WriteCache.CACHE_CODE_DIGITS;
  private static final int MAX = WriteCache.MAX_CACHE_ENTRIES;

  private final StrictJsonParser parser;
  private Object[] entries = new Object[16];
  private int next;
  private int size;

  StrictReadCache(StrictJsonParser parser) {
    this.parser = parser;
  }

  @Override
  public Object cacheRead(String s, boolean asMapKey) {
    return cacheRead(s, asMapKey, parser);
  }

  @Override
  public Object cacheRead(String s, boolean asMapKey, AbstractParser ignored) {
    if (s.isEmpty()) {
      return s;
    }
    if (s.charAt(0) == '^' && !s.equals("^ ")) {
      return lookup(s);
    }
    Object value = parser.decodeString(s);
    if (WriteCache.isCacheable(s, asMapKey)) {
      store(value);
    }
    return value;
  }

  @Override
  public ReadCache init() {
    next = 0;
    size = 0;
    return this;
  }

  private void store(Object value) {
    if (next == MAX) {
      next = 0;
    }
    if (next == entries.length) {
      entries = Arrays.copyOf(entries, Math.min(MAX, entries.length * 2));
    }
    entries[next++] = value;
    size = Math.max(size, next);
  }

  private Object lookup(String code) {
    int index = -1;
    if (code.length() == 2) {
      index = digit(code.charAt(1));
    } else if (code.length() == 3) {
      int hi = digit(code.charAt(1));
      int lo = digit(code.charAt(2));
      index = hi < 0 || lo < 0 ? -1 : hi * DIGITS + lo;
    }
    if (index < 0 || index >= size) {
      throw new PackException(
          "Transit cache reference \"" + ValueLimits.shorten(code) + "\" names no value read");
    }
    return entries[index];
  }

  private static int digit(char c) {
    int d = c - BASE;
    return d >= 0 && d < DIGITS ? d : -1;
  }
}
