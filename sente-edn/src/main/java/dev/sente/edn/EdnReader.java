package dev.sente.edn;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Protocol;
import dev.sente.core.Symbol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one EDN value from text, as Clojure's {@code clojure.edn/read-string} does, with bounded
 * nesting. Every failure is a {@link PackException} whose message names the position (a character
 * offset from 0). One instance reads one text; it is not thread-safe.
 */
final class EdnReader extends EdnLexer {

  private final Options options;

  private EdnReader(String in, Options options) {
    super(in);
    this.options = options;
  }

  /** The value of the text; null for blank text (or only comments and discarded forms). */
  static Object read(String text, Options options) {
    EdnReader reader = new EdnReader(text, options);
    reader.skipIgnorable(0);
    if (reader.pos >= reader.end) {
      return null;
    }
    Object value = reader.form(0);
    reader.skipIgnorable(0);
    if (reader.pos < reader.end) {
      throw reader.error("Unexpected content after the value", reader.pos);
    }
    return value;
  }

  /** Skips whitespace, commas, comments and {@code #_} discarded forms. */
  private void skipIgnorable(int depth) {
    while (pos < end) {
      char c = in.charAt(pos);
      if (Names.isWhitespace(c)) {
        pos++;
      } else if (c == ';') {
        while (pos < end && in.charAt(pos) != '\n' && in.charAt(pos) != '\r') {
          pos++;
        }
      } else if (c == '#' && pos + 1 < end && in.charAt(pos + 1) == '_') {
        pos += 2;
        form(depth + 1);
      } else {
        return;
      }
    }
  }

  private Object form(int depth) {
    if (depth > options.maxDepth()) {
      throw error("nested deeper than " + options.maxDepth() + " levels", pos);
    }
    skipIgnorable(depth);
    if (pos >= end) {
      throw error("unexpected end of input", pos);
    }
    int start = pos;
    char c = in.charAt(pos);
    switch (c) {
      case '[':
        pos++;
        return Collections.unmodifiableList(elements(']', start, depth, "vector"));
      case '(':
        pos++;
        return EdnList.copyOf(elements(')', start, depth, "list"));
      case '{':
        pos++;
        return map(elements('}', start, depth, "map"), start);
      case '"':
        return string(start);
      case '\\':
        return character(start);
      case '#':
        return dispatch(start, depth);
      case '^':
        return metadata(start, depth);
      case ')':
      case ']':
      case '}':
        throw error("unmatched delimiter '" + c + "'", start);
      default:
        return token(start);
    }
  }

  private List<Object> elements(char close, int start, int depth, String what) {
    List<Object> items = new ArrayList<>();
    while (true) {
      skipIgnorable(depth + 1);
      if (pos >= end) {
        throw error("end of input inside the " + what + " that starts", start);
      }
      if (in.charAt(pos) == close) {
        pos++;
        return items;
      }
      items.add(form(depth + 1));
    }
  }

  private Map<Object, Object> map(List<Object> items, int start) {
    if (items.size() % 2 != 0) {
      throw error("a map needs an even number of forms", start);
    }
    Map<Object, Object> map = new LinkedHashMap<>(items.size());
    for (int i = 0; i < items.size(); i += 2) {
      Object key = items.get(i);
      if (map.containsKey(key)) {
        throw error("duplicate map key " + Protocol.describe(key), start);
      }
      map.put(key, items.get(i + 1));
    }
    return Collections.unmodifiableMap(map);
  }

  private Set<Object> set(List<Object> items, int start) {
    Set<Object> set = new LinkedHashSet<>(items.size() * 2);
    for (Object item : items) {
      if (!set.add(item)) {
        throw error("duplicate set element " + Protocol.describe(item), start);
      }
    }
    return Collections.unmodifiableSet(set);
  }

  private Object token(int start) {
    String token = readTokenText();
    if (token.isEmpty()) {
      throw error("unexpected character '" + in.charAt(start) + "'", start);
    }
    char first = token.charAt(0);
    boolean signedDigit =
        (first == '+' || first == '-') && token.length() > 1 && Character.isDigit(token.charAt(1));
    if (Character.isDigit(first) || signedDigit) {
      try {
        return EdnNumbers.parse(token, options.maxNumberDigits());
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw error(e.getMessage(), start);
      }
    }
    switch (token) {
      case "nil":
        return null;
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        break;
    }
    try {
      return first == ':' ? new Keyword(token.substring(1)) : new Symbol(token);
    } catch (IllegalArgumentException e) {
      throw error("invalid token '" + EdnNumbers.shorten(token) + "'", start);
    }
  }

  private Object dispatch(int start, int depth) {
    pos++;
    if (pos >= end) {
      throw error("end of input after '#'", start);
    }
    char d = in.charAt(pos);
    if (d == '{') {
      pos++;
      return set(elements('}', start, depth, "set"), start);
    }
    if (d == '#') {
      pos++;
      Object name = form(depth + 1);
      if (name instanceof Symbol s) {
        switch (s.name()) {
          case "Inf":
            return Double.POSITIVE_INFINITY;
          case "-Inf":
            return Double.NEGATIVE_INFINITY;
          case "NaN":
            return Double.NaN;
          default:
            break;
        }
      }
      throw error("unknown symbolic value ##" + Protocol.describe(name), start);
    }
    if (d == ':') {
      pos++;
      return namespacedMap(start, depth);
    }
    if (Character.isLetter(d)) {
      String tag = readTokenText();
      try {
        TaggedValue.checkTag(tag);
      } catch (IllegalArgumentException e) {
        throw error("invalid tag '#" + EdnNumbers.shorten(tag) + "'", start);
      }
      return Tags.read(options, tag, form(depth + 1), start);
    }
    throw error("no dispatch macro for '#" + d + "'", start);
  }

  private Object namespacedMap(int start, int depth) {
    while (pos < end && Names.isWhitespace(in.charAt(pos))) {
      pos++;
    }
    String ns = readTokenText();
    if (ns.isEmpty() || ns.startsWith(":") || ns.indexOf('/') >= 0) {
      throw error("a namespaced map needs a namespace: #:ns{...}", start);
    }
    while (pos < end && Names.isWhitespace(in.charAt(pos))) {
      pos++;
    }
    if (pos >= end || in.charAt(pos) != '{') {
      throw error("a namespaced map needs a map after #:" + EdnNumbers.shorten(ns), start);
    }
    pos++;
    List<Object> items = elements('}', start, depth, "map");
    try {
      for (int i = 0; i < items.size(); i += 2) {
        items.set(i, qualify(ns, items.get(i)));
      }
    } catch (IllegalArgumentException e) {
      throw error("invalid namespace '" + EdnNumbers.shorten(ns) + "'", start);
    }
    return map(items, start);
  }

  private static Object qualify(String ns, Object key) {
    if (key instanceof Keyword k) {
      return k.namespace().isEmpty()
          ? Keyword.of(ns, k.name())
          : k.namespace().get().equals("_") ? Keyword.of(k.localName()) : k;
    }
    if (key instanceof Symbol s) {
      return s.namespace().isEmpty()
          ? Symbol.of(ns, s.name())
          : s.namespace().get().equals("_") ? Symbol.of(s.localName()) : s;
    }
    return key;
  }

  private Object metadata(int start, int depth) {
    pos++;
    Object meta = form(depth + 1);
    if (!(meta instanceof Map
        || meta instanceof Keyword
        || meta instanceof Symbol
        || meta instanceof String)) {
      throw error("metadata must be a symbol, keyword, string or map", start);
    }
    // Metadata has no Java representation: it is read and dropped, like Clojure's printer does.
    return form(depth + 1);
  }
}
