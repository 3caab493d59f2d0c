package dev.sente.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a raw query string ({@code a=1&b=x+y&a=%C3%A9}) strictly: a bad percent-escape or bytes
 * that are not UTF-8 throw {@link IllegalArgumentException}. Read from the query alone, never with
 * {@code getParameter}, which would read a form body.
 */
final class QueryString {

  private QueryString() {}

  static Map<String, List<String>> decode(String query) {
    if (query == null || query.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = component(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : component(pair.substring(eq + 1));
      params.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
    }
    Map<String, List<String>> frozen = new LinkedHashMap<>();
    params.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
    return Collections.unmodifiableMap(frozen);
  }

  private static String component(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw new IllegalArgumentException("Bad percent-escape in the query");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        int codePoint = raw.codePointAt(i);
        byte[] utf8 = Character.toString(codePoint).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("The query is not UTF-8", e);
    }
  }
}
