package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Symbol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The writer prints what Clojure's pr-str prints. Expected strings were produced by running pr-str
 * on the equivalent Clojure values (Clojure 1.12).
 */
class EdnWriterTest {

  enum Role {
    ADMIN,
    READ_ONLY
  }

  record Profile(String name, int age, List<String> tags, Role role, Optional<String> nick) {}

  /** A JavaBean-style class written through its getters. */
  public static final class Account {
    private String owner = "ann";
    private long balance = 10;
    private boolean active = true;

    public String getOwner() {
      return owner;
    }

    public long getBalance() {
      return balance;
    }

    public boolean isActive() {
      return active;
    }
  }

  private final EdnPacker packer = EdnPacker.create();

  private String write(Object value) {
    return packer.write(value);
  }

  @Test
  void mapEntriesAreSeparatedByCommaAndSpaceLikePrStr() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(Keyword.of("a"), 1);
    map.put(Keyword.of("b"), 2);
    assertThat(write(map)).isEqualTo("{:a 1, :b 2}");
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(Keyword.of("a"), null);
    mixed.put("b", List.of(1.5, 'x'));
    mixed.put(new LinkedHashSet<>(List.of(Keyword.of("x"))), Symbol.of("y"));
    assertThat(write(mixed)).isEqualTo("{:a nil, \"b\" [1.5 \\x], #{:x} y}");
    assertThat(write(Map.of())).isEqualTo("{}");
  }

  @Test
  void collectionsAreSeparatedByOneSpace() {
    assertThat(write(List.of(1, 2, "x"))).isEqualTo("[1 2 \"x\"]");
    assertThat(write(new ArrayList<>(List.of(List.of(1), EdnList.of(2, 3)))))
        .isEqualTo("[[1] (2 3)]");
    assertThat(write(new LinkedHashSet<>(List.of(3, 1, 2)))).isEqualTo("#{3 1 2}");
    assertThat(write(List.of())).isEqualTo("[]");
    assertThat(write(EdnList.of())).isEqualTo("()");
    assertThat(write(new LinkedHashSet<>())).isEqualTo("#{}");
    assertThat(write(new Object[] {1, "a"})).isEqualTo("[1 \"a\"]");
    assertThat(write(new int[] {1, 2})).isEqualTo("[1 2]");
    assertThat(write(new java.util.ArrayDeque<>(List.of(1, 2)))).isEqualTo("[1 2]");
    assertThat(write(Arrays.asList(1, null))).isEqualTo("[1 nil]");
  }

  @Test
  void stringsAreEscapedExactlyLikePrStr() {
    String s = "a\"b\\c\nd\te\rf\bg\fh\u0001i\u007fj\u00e9k\u2028";
    assertThat(write(s))
        .isEqualTo("\"a\\\"b\\\\c\\nd\\te\\rf\\bg\\fh\u0001i\u007fj\u00e9k\u2028\"");
    assertThat(write("")).isEqualTo("\"\"");
    assertThat(write("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\"");
  }

  @Test
  void charactersUseClojureNames() {
    assertThat(write('a')).isEqualTo("\\a");
    assertThat(write('\n')).isEqualTo("\\newline");
    assertThat(write(' ')).isEqualTo("\\space");
    assertThat(write('\t')).isEqualTo("\\tab");
    assertThat(write('\r')).isEqualTo("\\return");
    assertThat(write('\b')).isEqualTo("\\backspace");
    assertThat(write('\f')).isEqualTo("\\formfeed");
    assertThat(write('\u00e9')).isEqualTo("\\\u00e9");
    assertThat(write('"')).isEqualTo("\\\"");
    assertThat(write('\\')).isEqualTo("\\\\");
    // Documented deviation: control and space characters as \\uXXXX rather than raw.
    assertThat(write('\u0000')).isEqualTo("\\u0000");
    assertThat(write('\u00a0')).isEqualTo("\\u00a0");
  }

  @Test
  void numbersArePrintedLikeClojure() {
    assertThat(write(1.0)).isEqualTo("1.0");
    assertThat(write(1.5e10)).isEqualTo("1.5E10");
    assertThat(write(1e21)).isEqualTo("1.0E21");
    assertThat(write(1e-5)).isEqualTo("1.0E-5");
    assertThat(write(0.001)).isEqualTo("0.001");
    assertThat(write(123456789.0)).isEqualTo("1.23456789E8");
    assertThat(write(1.0 / 3)).isEqualTo("0.3333333333333333");
    assertThat(write(-0.0)).isEqualTo("-0.0");
    assertThat(write(Double.NaN)).isEqualTo("##NaN");
    assertThat(write(Double.POSITIVE_INFINITY)).isEqualTo("##Inf");
    assertThat(write(Double.NEGATIVE_INFINITY)).isEqualTo("##-Inf");
    assertThat(write(1.5f)).isEqualTo("1.5");
    assertThat(write(0.1f)).isEqualTo("0.1");
    assertThat(write(Float.NaN)).isEqualTo("##NaN");
    assertThat(write(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
    assertThat(write((byte) 1) + write((short) 2) + write(3)).isEqualTo("123");
    assertThat(write(BigInteger.ONE)).isEqualTo("1N");
    assertThat(write(new BigDecimal("123"))).isEqualTo("123M");
    assertThat(write(new BigDecimal("1.5"))).isEqualTo("1.5M");
    assertThat(write(new BigDecimal("1E+3"))).isEqualTo("1E+3M");
    assertThat(write(Ratio.of(1, 3))).isEqualTo("1/3");
    assertThat(write(Ratio.of(2, -4))).isEqualTo("-1/2");
    assertThat(write(Ratio.of(-14, 2))).isEqualTo("-7");
    assertThat(write(new Ratio(BigInteger.TWO.pow(70), BigInteger.ONE)))
        .isEqualTo("1180591620717411303424N");
    assertThat(write(new java.util.concurrent.atomic.AtomicLong(7))).isEqualTo("7");
  }

  @Test
  void atomsAndTaggedLiterals() {
    assertThat(write(null)).isEqualTo("nil");
    assertThat(write(true) + " " + write(false)).isEqualTo("true false");
    assertThat(write(Keyword.of("a/b"))).isEqualTo(":a/b");
    assertThat(write(Symbol.of("ns/sym"))).isEqualTo("ns/sym");
    assertThat(write(UUID.fromString("550e8400-e29b-41d4-a716-446655440000")))
        .isEqualTo("#uuid \"550e8400-e29b-41d4-a716-446655440000\"");
    assertThat(write(new TaggedValue("my/point", List.of(1, 2)))).isEqualTo("#my/point [1 2]");
  }

  @Test
  void instantsAreWrittenAsClojurePrintsADate() {
    assertThat(write(Instant.parse("2020-01-01T00:00:00Z")))
        .isEqualTo("#inst \"2020-01-01T00:00:00.000-00:00\"");
    assertThat(write(new Date(0))).isEqualTo("#inst \"1970-01-01T00:00:00.000-00:00\"");
    assertThat(write(Instant.parse("2020-01-01T00:00:00.123Z")))
        .isEqualTo("#inst \"2020-01-01T00:00:00.123-00:00\"");
    // Sub-millisecond precision: nine digits, as Clojure prints a java.sql.Timestamp.
    assertThat(write(Instant.parse("1970-01-01T00:00:00.001000001Z")))
        .isEqualTo("#inst \"1970-01-01T00:00:00.001000001-00:00\"");
    assertThat(write(OffsetDateTime.of(2020, 1, 1, 5, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30))))
        .isEqualTo("#inst \"2020-01-01T00:00:00.000-00:00\"");
    assertThatThrownBy(() -> write(Instant.parse("+10000-01-01T00:00:00Z")))
        .isInstanceOf(PackException.class);
  }

  @Test
  void recordsAndPojosAreMapsWithKeywordKeys() {
    Profile p = new Profile("ann", 30, List.of("x"), Role.READ_ONLY, Optional.empty());
    assertThat(write(p))
        .isEqualTo("{:name \"ann\", :age 30, :tags [\"x\"], :role :READ_ONLY, :nick nil}");
    assertThat(write(new Account())).isEqualTo("{:owner \"ann\", :balance 10, :active true}");
  }

  @Test
  void optionalsAndOtherValueTypes() {
    assertThat(write(Optional.of("x"))).isEqualTo("\"x\"");
    assertThat(write(Optional.empty())).isEqualTo("nil");
    assertThat(write(OptionalInt.of(3))).isEqualTo("3");
    assertThat(write(LocalDate.of(2020, 1, 2))).isEqualTo("\"2020-01-02\"");
    assertThat(write(URI.create("https://x.example/a"))).isEqualTo("\"https://x.example/a\"");
    assertThat(write(new StringBuilder("sb"))).isEqualTo("\"sb\"");
  }

  @Test
  void stringKeysCanBeWrittenAsKeywords() {
    EdnPacker keywordKeys = EdnPacker.builder().stringKeysAsKeywords(true).build();
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("ok", true);
    map.put("has space", 1);
    assertThat(keywordKeys.write(map)).isEqualTo("{:ok true, \"has space\" 1}");
    assertThat(packer.write(map)).isEqualTo("{\"ok\" true, \"has space\" 1}");
  }

  @Test
  void unsupportedAndCyclicValuesAreRejected() {
    assertThatThrownBy(() -> write(new Object()))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> write(Thread.currentThread())).isInstanceOf(PackException.class);
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    assertThatThrownBy(() -> write(cyclic))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("deeper than 256");
  }

  @Test
  void keywordsRefuseUnreadableNames() {
    assertThatThrownBy(() -> Keyword.of("a b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keyword.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keyword.of("a/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Keyword.of("ns", "a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Symbol.of("nil")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Symbol.of("1a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> packer.keyword("bad name")).isInstanceOf(PackException.class);
    Keyword k = Keyword.of("chat", "send");
    assertThat(k).hasToString(":chat/send");
    assertThat(k.namespace()).contains("chat");
    assertThat(k.localName()).isEqualTo("send");
    assertThat(Keyword.of("admin").namespace()).isEmpty();
  }
}
