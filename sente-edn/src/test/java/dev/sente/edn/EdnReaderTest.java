package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the reader returns; the behaviour follows clojure.edn/read-string (Clojure 1.12). */
class EdnReaderTest {

  private final EdnPacker packer = EdnPacker.create();

  private Object read(String text) {
    return packer.read(text);
  }

  @Test
  void blankInputReadsAsNilLikeSente() {
    assertThat(read("")).isNull();
    assertThat(read("   \n ,, ")).isNull();
    assertThat(read("; only a comment")).isNull();
    assertThat(read("#_ 1")).isNull();
  }

  @Test
  void integersAreLongsThenBigIntegers() {
    assertThat(read("42")).isEqualTo(42L);
    assertThat(read("-0")).isEqualTo(0L);
    assertThat(read("+5")).isEqualTo(5L);
    assertThat(read("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(read("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(read("9223372036854775808")).isEqualTo(new BigInteger("9223372036854775808"));
    assertThat(read("-9223372036854775809")).isEqualTo(new BigInteger("-9223372036854775809"));
    assertThat(read("12N")).isEqualTo(BigInteger.valueOf(12));
    assertThat(read("0N")).isEqualTo(BigInteger.ZERO);
    assertThat(read("0x10")).isEqualTo(16L);
    assertThat(read("0xFFN")).isEqualTo(BigInteger.valueOf(255));
    assertThat(read("010")).isEqualTo(8L);
    assertThat(read("36rZZ")).isEqualTo(1295L);
  }

  @Test
  void ratiosDecimalsAndDoubles() {
    assertThat(read("1/3")).isEqualTo(Ratio.of(1, 3));
    assertThat(read("2/4")).isEqualTo(Ratio.of(1, 2));
    assertThat(read("-1/3")).isEqualTo(new Ratio(BigInteger.ONE.negate(), BigInteger.valueOf(3)));
    assertThat(read("4/2")).isEqualTo(2L);
    assertThat(read("1.5")).isEqualTo(1.5);
    assertThat(read("1.")).isEqualTo(1.0);
    assertThat(read("1e3")).isEqualTo(1000.0);
    assertThat(read("-0.0")).isEqualTo(-0.0);
    assertThat(read("1e400")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(read("1.5M")).isEqualTo(new BigDecimal("1.5"));
    assertThat(read("1E+3M")).isEqualTo(new BigDecimal("1E+3"));
    assertThat(read("1M")).isEqualTo(BigDecimal.ONE);
    assertThat(read("##NaN")).isEqualTo(Double.NaN);
    assertThat(read("##Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(read("##-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void stringsWithEveryEscape() {
    assertThat(read("\"a\\\"b\\\\c\\nd\\te\\rf\\bg\\fh\"")).isEqualTo("a\"b\\c\nd\te\rf\bg\fh");
    assertThat(read("\"\\u00e9\\u00E9\"")).isEqualTo("\u00e9\u00e9");
    assertThat(read("\"\\uD83D\\uDE00\"")).isEqualTo("\ud83d\ude00");
    assertThat(read("\"\\101\\0\"")).isEqualTo("A\0");
    assertThat(read("\"multi\nline\"")).isEqualTo("multi\nline");
  }

  @Test
  void charactersByNameCodeAndOctal() {
    assertThat(read("\\a")).isEqualTo('a');
    assertThat(read("[\\newline \\space \\tab \\return \\backspace \\formfeed]"))
        .isEqualTo(List.of('\n', ' ', '\t', '\r', '\b', '\f'));
    assertThat(read("\\u00e9")).isEqualTo('\u00e9');
    assertThat(read("\\o101")).isEqualTo('A');
    assertThat(read("\\u")).isEqualTo('u');
    assertThat(read("\\(")).isEqualTo('(');
    assertThat(read("\\,")).isEqualTo(',');
    assertThat(read("[\\a\\b]")).isEqualTo(List.of('a', 'b'));
  }

  @Test
  void keywordsSymbolsAndLiterals() {
    assertThat(read(":a")).isEqualTo(Keyword.of("a"));
    assertThat(read(":chat/send")).isEqualTo(Keyword.of("chat", "send"));
    assertThat(read(":1")).isEqualTo(Keyword.of("1"));
    assertThat(read("sym")).isEqualTo(Symbol.of("sym"));
    assertThat(read("a.b/c-d?")).isEqualTo(Symbol.of("a.b/c-d?"));
    assertThat(read("/")).isEqualTo(Symbol.of("/"));
    assertThat(read("-a")).isEqualTo(Symbol.of("-a"));
    assertThat(read("nil")).isNull();
    assertThat(read("true")).isEqualTo(true);
    assertThat(read("false")).isEqualTo(false);
    assertThat(read("nils")).isEqualTo(Symbol.of("nils"));
  }

  @Test
  void collectionsKeepTheirKindAndOrder() {
    Object vector = read("[1 2 3]");
    assertThat(vector).isInstanceOf(List.class).isNotInstanceOf(EdnList.class);
    assertThat(vector).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(read("(1 2)")).isInstanceOf(EdnList.class).isEqualTo(List.of(1L, 2L));
    Object map = read("{:b 1, :a 2 \"c\" nil}");
    assertThat(List.copyOf(((Map<?, ?>) map).keySet()))
        .isEqualTo(List.of(Keyword.of("b"), Keyword.of("a"), "c"));
    assertThat(read("#{3 1 2}")).isInstanceOf(Set.class);
    assertThat(List.copyOf((Set<?>) read("#{3 1 2}"))).isEqualTo(List.of(3L, 1L, 2L));
    assertThat((Set<?>) read("#{nil}")).hasSize(1).containsNull();
    assertThat(read("{nil 1}")).isEqualTo(java.util.Collections.singletonMap(null, 1L));
    assertThatThrownBy(() -> ((List<Object>) vector).add(4L))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void whitespaceCommentsAndDiscards() {
    assertThat(read("[1,2,,3]")).isEqualTo(List.of(1L, 2L, 3L));
    assertThat(read("; c\n 5 ; after")).isEqualTo(5L);
    assertThat(read("[1 #_ 2 3]")).isEqualTo(List.of(1L, 3L));
    assertThat(read("[#_ #_ 1 2 3]")).isEqualTo(List.of(3L));
    assertThat(read("{:a #_ :b 1}")).isEqualTo(Map.of(Keyword.of("a"), 1L));
  }

  @Test
  void builtInTags() {
    assertThat(read("#uuid \"550e8400-e29b-41d4-a716-446655440000\""))
        .isEqualTo(UUID.fromString("550e8400-e29b-41d4-a716-446655440000"));
    assertThat(read("#uuid \"550E8400-E29B-41D4-A716-446655440000\""))
        .isEqualTo(UUID.fromString("550e8400-e29b-41d4-a716-446655440000"));
    assertThat(read("#inst \"2020-01-01T00:00:00.000-00:00\""))
        .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(read("#inst \"2020\"")).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(read("#inst \"2020-01-01T10:00:00+05:30\""))
        .isEqualTo(Instant.parse("2020-01-01T04:30:00Z"));
    assertThat(read("#inst \"2020-01-01T00:00:00.5-01:30\""))
        .isEqualTo(Instant.parse("2020-01-01T01:30:00.500Z"));
    assertThat(read("#inst \"2020-01-01T00:00:00.123456789123Z\""))
        .isEqualTo(Instant.parse("2020-01-01T00:00:00.123456789Z"));
    assertThat(read("#inst \"2020-01-01T23:59:60Z\""))
        .isEqualTo(Instant.parse("2020-01-02T00:00:00Z"));
  }

  @Test
  void namespacedMapsAndMetadata() {
    Map<?, ?> map = (Map<?, ?>) read("#:a{:b 1 :_/c 2 d 3 \"s\" 4 :x/y 5}");
    assertThat(List.copyOf(map.keySet()))
        .isEqualTo(
            List.of(Keyword.of("a/b"), Keyword.of("c"), Symbol.of("a/d"), "s", Keyword.of("x/y")));
    assertThat(read("^{:doc \"x\"} [1]")).isEqualTo(List.of(1L));
    assertThat(read("^:private sym")).isEqualTo(Symbol.of("sym"));
  }

  @Test
  void customTagsAndADefaultTagReader() {
    EdnPacker custom =
        EdnPacker.builder()
            .tag("my/point", v -> new int[] {((Long) ((List<?>) v).get(0)).intValue()})
            .tag("inst", v -> "overridden " + v)
            .build();
    assertThat((int[]) custom.read("#my/point [7 8]")).containsExactly(7);
    assertThat(custom.read("#inst \"2020\"")).isEqualTo("overridden 2020");
    assertThatThrownBy(() -> packer.read("[#my/point [7 8]]"))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("no reader function for tag #my/point")
        .hasMessageContaining("position 1");

    EdnPacker keeping = EdnPacker.builder().defaultTag(TaggedValue::new).build();
    Object kept = keeping.read("#my/point [7 8]");
    assertThat(kept).isEqualTo(new TaggedValue("my/point", List.of(7L, 8L)));
    assertThat(keeping.write(kept)).isEqualTo("#my/point [7 8]");
  }

  @Test
  void failingTagReadersBecomePackExceptions() {
    EdnPacker failing =
        EdnPacker.builder()
            .tag(
                "my/bad",
                v -> {
                  throw new IllegalStateException("boom");
                })
            .build();
    assertThatThrownBy(() -> failing.read("#my/bad 1"))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("boom");
  }

  @Test
  void writerHooksWriteJavaTypesUnderATag() {
    EdnPacker custom =
        EdnPacker.builder()
            .writer(java.time.Duration.class, "time/duration", java.time.Duration::toString)
            .writer(StringBuilder.class, sb -> sb.length())
            .tag("time/duration", v -> java.time.Duration.parse((String) v))
            .build();
    String text = custom.write(List.of(java.time.Duration.ofSeconds(90), new StringBuilder("abc")));
    assertThat(text).isEqualTo("[#time/duration \"PT1M30S\" 3]");
    assertThat(custom.read(text)).isEqualTo(List.of(java.time.Duration.ofSeconds(90), 3L));
  }
}
