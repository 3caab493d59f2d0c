package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.core.Symbol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every supported type reads back as itself, and its text is stable. */
class EdnRoundTripTest {

  private static final EdnPacker PACKER = EdnPacker.create();

  static List<Object> values() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(Keyword.of("a"), 1L);
    map.put("b", Arrays.asList(null, true, false));
    map.put(null, Keyword.of("x/y"));
    map.put(List.of(1L), new LinkedHashSet<>(List.of("s")));
    return Arrays.asList(
        null,
        true,
        false,
        0L,
        -42L,
        Long.MIN_VALUE,
        new BigInteger("123456789012345678901234567890"),
        BigInteger.TEN,
        1.5,
        -0.0,
        1e300,
        Double.MIN_VALUE,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        new BigDecimal("1.50"),
        new BigDecimal("-1E+5"),
        Ratio.of(-7, 3),
        "",
        "plain",
        "all \" \\ \n \t \r \b \f escapes \u0001 \u00e9 \ud83d\ude00",
        'a',
        '\n',
        '\u0000',
        '\u2028',
        '\\',
        Keyword.of("k"),
        Keyword.of("ns.deep/k-2?"),
        Symbol.of("s"),
        Symbol.of("my.ns/s!"),
        UUID.fromString("550e8400-e29b-41d4-a716-446655440000"),
        Instant.parse("2020-01-01T00:00:00Z"),
        Instant.parse("1999-12-31T23:59:59.999Z"),
        Instant.parse("2020-06-01T12:00:00.123456789Z"),
        List.of(),
        List.of(1L, List.of(2L, List.of(3L))),
        EdnList.of(1L, "two", Keyword.of("three")),
        EdnList.of(),
        new LinkedHashSet<>(List.of(1L, "1", Keyword.of("one"))),
        map);
  }

  @ParameterizedTest
  @MethodSource("values")
  void everySupportedValueReadsBackEqual(Object value) {
    String text = PACKER.write(value);
    Object back = PACKER.read(text);
    if (value instanceof Double d && d.isNaN()) {
      assertThat((Double) back).isNaN();
    } else {
      assertThat(back).isEqualTo(value);
      if (value != null) {
        assertThat(kindOf(back)).as("kind of %s", text).isEqualTo(kindOf(value));
      }
    }
    assertThat(PACKER.write(back)).isEqualTo(text);
  }

  private static String kindOf(Object v) {
    if (v instanceof EdnList) {
      return "list";
    }
    if (v instanceof List) {
      return "vector";
    }
    if (v instanceof Map) {
      return "map";
    }
    if (v instanceof java.util.Set) {
      return "set";
    }
    return v.getClass().getName();
  }

  @Test
  void integersOfOtherWidthsReadBackAsLongs() {
    assertThat(PACKER.read(PACKER.write(List.of((byte) 1, (short) 2, 3))))
        .isEqualTo(List.of(1L, 2L, 3L));
  }

  @Test
  void aLargeMessageRoundTripsQuickly() {
    List<Object> events = new java.util.ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      events.add(List.of(Keyword.of("chat/msg"), Map.of(Keyword.of("text"), "line " + i)));
    }
    String text = PACKER.write(List.of(events, "cb"));
    assertThat(PACKER.read(text)).isEqualTo(List.of(events, "cb"));
  }
}
