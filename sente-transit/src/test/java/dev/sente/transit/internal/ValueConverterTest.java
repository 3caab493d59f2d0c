package dev.sente.transit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cognitect.transit.TransitFactory;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The unpacked-value to Java-type mapping shared with the EDN packer. */
class ValueConverterTest {

  enum Status {
    ACTIVE,
    ON_HOLD
  }

  record Line(String text, int n) {}

  record Box<T>(T value, List<T> more) {}

  record Everything(
      String s,
      long l,
      Integer boxed,
      double d,
      boolean b,
      char c,
      Status status,
      UUID id,
      Instant at,
      LocalDate day,
      List<Line> lines,
      Set<String> tags,
      Map<String, Integer> counts,
      Optional<String> note,
      int[] numbers,
      BigDecimal price) {}

  /** A POJO with a setter, a private field without one, and a field that is not mapped. */
  public static final class Account {
    private String owner;
    private int level;
    private transient String cache = "untouched";

    public void setOwner(String owner) {
      this.owner = owner.toUpperCase(java.util.Locale.ROOT);
    }
  }

  /** Holds generic types for tests. */
  static final class Holder {
    List<Line> lines;
    Box<Line> boxOfLines;
    Map<Status, List<Long>> byStatus;
  }

  private static Keyword kw(String name) {
    return Keyword.of(name);
  }

  private static Type typeOf(String field) throws NoSuchFieldException {
    return Holder.class.getDeclaredField(field).getGenericType();
  }

  private final TransitCodec codec = TransitCodec.create(256, Map.of(), Map.of());
  private final ValueConverter converter =
      new ValueConverter(v -> codec.read(Packed.text(codec.write(v))));

  private Object convert(Object value, Type type) {
    return converter.convert(value, type);
  }

  @Test
  void transitJavasOwnKeywordsAndSymbolsConvertLikeTheSharedOnes() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(TransitFactory.keyword("text"), TransitFactory.keyword("chat/send"));
    map.put(TransitFactory.symbol("n"), 2L);

    assertThat(convert(map, Line.class)).isEqualTo(new Line("chat/send", 2));
    assertThat(convert(TransitFactory.keyword("on-hold"), Status.class)).isEqualTo(Status.ON_HOLD);
    assertThat(convert(TransitFactory.keyword("a/b"), Keyword.class)).isEqualTo(Keyword.of("a/b"));
    assertThat(convert(TransitFactory.symbol("f"), dev.sente.core.Symbol.class))
        .isEqualTo(dev.sente.core.Symbol.of("f"));
  }

  @Test
  void keywordKeysNamePropertiesAndKeywordsBecomeStringsAndEnums() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(kw("s"), kw("chat/send"));
    map.put(kw("l"), 5L);
    map.put("boxed", 7L);
    map.put(kw("d"), 2L);
    map.put(kw("b"), true);
    map.put(kw("c"), 'x');
    map.put(kw("status"), kw("on-hold"));
    map.put(kw("id"), "5f1d6c2e-8d1c-4c1e-9a5e-1a2b3c4d5e6f");
    map.put(kw("at"), new Date(1_000L));
    map.put(kw("day"), "2024-05-01");
    map.put(kw("lines"), List.of(Map.of(kw("text"), "a", kw("n"), 1L)));
    map.put(kw("tags"), Set.of(kw("x")));
    map.put(kw("counts"), Map.of(kw("a"), 1L));
    map.put(kw("note"), "hi");
    map.put(kw("numbers"), List.of(1L, 2L));
    map.put(kw("price"), 1.25);
    map.put(kw("other/ns"), "ignored");
    map.put(kw("unknown"), "ignored");

    Everything e = (Everything) convert(map, Everything.class);

    assertThat(e.s()).isEqualTo("chat/send");
    assertThat(e.l()).isEqualTo(5L);
    assertThat(e.boxed()).isEqualTo(7);
    assertThat(e.d()).isEqualTo(2.0);
    assertThat(e.b()).isTrue();
    assertThat(e.c()).isEqualTo('x');
    assertThat(e.status()).isEqualTo(Status.ON_HOLD);
    assertThat(e.id()).isEqualTo(UUID.fromString("5f1d6c2e-8d1c-4c1e-9a5e-1a2b3c4d5e6f"));
    assertThat(e.at()).isEqualTo(Instant.ofEpochMilli(1_000L));
    assertThat(e.day()).isEqualTo(LocalDate.of(2024, 5, 1));
    assertThat(e.lines()).containsExactly(new Line("a", 1));
    assertThat(e.tags()).containsExactly("x");
    assertThat(e.counts()).isEqualTo(Map.of("a", 1));
    assertThat(e.note()).contains("hi");
    assertThat(e.numbers()).containsExactly(1, 2);
    assertThat(e.price()).isEqualByComparingTo("1.25");
  }

  @Test
  void missingPropertiesAreNullZeroFalseOrEmpty() {
    Everything e = (Everything) convert(Map.of(), Everything.class);
    assertThat(e.s()).isNull();
    assertThat(e.l()).isZero();
    assertThat(e.b()).isFalse();
    assertThat(e.c()).isEqualTo('\0');
    assertThat(e.note()).isEmpty();
    assertThat(e.lines()).isNull();
  }

  @Test
  void pojosAreFilledThroughSettersAndFields() {
    Account a =
        (Account)
            convert(Map.of(kw("owner"), "ann", kw("level"), 3L, kw("cache"), "x"), Account.class);
    assertThat(a.owner).isEqualTo("ANN");
    assertThat(a.level).isEqualTo(3);
    assertThat(a.cache).isEqualTo("untouched");
  }

  @Test
  void genericTypesAreFollowed() throws Exception {
    Object lines = convert(List.of(Map.of(kw("text"), "a", kw("n"), 1L)), typeOf("lines"));
    assertThat(lines).isEqualTo(List.of(new Line("a", 1)));

    Map<Keyword, Object> box =
        Map.of(
            kw("value"), Map.of(kw("text"), "v", kw("n"), 2L),
            kw("more"), List.of(Map.of(kw("text"), "w", kw("n"), 3L)));
    assertThat(convert(box, typeOf("boxOfLines")))
        .isEqualTo(new Box<>(new Line("v", 2), List.of(new Line("w", 3))));

    Object byStatus = convert(Map.of(kw("active"), List.of(1L)), typeOf("byStatus"));
    assertThat(byStatus).isEqualTo(Map.of(Status.ACTIVE, List.of(1L)));
  }

  @Test
  void collectionInterfacesGetSensibleImplementations() {
    assertThat(convert(List.of(3L, 1L, 2L), SortedSet.class)).isInstanceOf(java.util.TreeSet.class);
    assertThat(convert(Set.of("a"), Deque.class)).isInstanceOf(java.util.ArrayDeque.class);
    assertThat(convert(List.of("a"), Set.class)).isEqualTo(Set.of("a"));
    assertThat(convert(new String[] {"a"}, List.class)).isEqualTo(List.of("a"));
  }

  @Test
  void numbersConvertOnlyWhenTheyFitExactly() {
    assertThat(convert(5L, int.class)).isEqualTo(5);
    assertThat(convert(5.0, int.class)).isEqualTo(5);
    assertThat(convert(new BigInteger("5"), byte.class)).isEqualTo((byte) 5);
    assertThat(convert("12", long.class)).isEqualTo(12L);
    assertThat(convert(7L, BigDecimal.class)).isEqualTo(BigDecimal.valueOf(7));
    assertThat(convert(7L, double.class)).isEqualTo(7.0);
    assertThatThrownBy(() -> convert(1.5, int.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(1L << 40, int.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(new BigInteger("9".repeat(30)), long.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(new BigDecimal("1e999999999"), BigInteger.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(new BigDecimal("1e-999999999"), long.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(Double.NaN, long.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(null, int.class)).isInstanceOf(PackException.class);
  }

  @Test
  void timesConvertBetweenTheirForms() {
    Date date = new Date(1_700_000_000_000L);
    assertThat(convert(date, OffsetDateTime.class))
        .isEqualTo(date.toInstant().atOffset(ZoneOffset.UTC));
    assertThat(convert(1_700_000_000_000L, Instant.class)).isEqualTo(date.toInstant());
    assertThat(convert("2024-05-01T00:00:00Z", Date.class))
        .isEqualTo(Date.from(Instant.parse("2024-05-01T00:00:00Z")));
    assertThatThrownBy(() -> convert("not a date", LocalDate.class))
        .isInstanceOf(PackException.class);
  }

  @Test
  void valuesThatDoNotFitAreRejectedWithPackException() {
    assertThatThrownBy(() -> convert("x", Line.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(List.of(1L), Map.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(Map.of(), List.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(kw("nope"), Status.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> convert(Map.of(kw("n"), "one"), Line.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(List.of(Map.of()), Runnable.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(Map.of(), Number.class)).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert(Arrays.asList((Object) null), int[].class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> convert("x", (Type) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void objectTargetsAndMatchingValuesPassThrough() {
    Object value = Map.of(kw("a"), 1L);
    assertThat(convert(value, Object.class)).isSameAs(value);
    assertThat(convert(value, Map.class)).isSameAs(value);
    assertThat(convert(null, String.class)).isNull();
    assertThat(convert(null, Optional.class)).isEqualTo(Optional.empty());
  }

  record Profile(String userId, boolean isAdmin, Status status) {}

  @Test
  void kebabCaseKeysFillCamelCaseProperties() {
    Map<Keyword, Object> map =
        Map.of(kw("user-id"), "u1", kw("is-admin"), true, kw("status"), kw("status/active"));
    assertThat(convert(map, Profile.class)).isEqualTo(new Profile("u1", true, Status.ACTIVE));
    assertThat(convert(Map.of("userId", "u2", "user-id", "ignored"), Profile.class))
        .isEqualTo(new Profile("u2", false, null));
  }

  @Test
  void applicationObjectsConvertThroughTheirPackedForm() {
    record Wrapper(Line line, Optional<Status> status) {}
    Object map = convert(new Wrapper(new Line("x", 1), Optional.of(Status.ON_HOLD)), Map.class);
    assertThat(map)
        .isEqualTo(
            Map.of(kw("line"), Map.of(kw("text"), "x", kw("n"), 1L), kw("status"), kw("ON_HOLD")));
    assertThat(convert(new Line("y", 2), Map.class))
        .isEqualTo(Map.of(kw("text"), "y", kw("n"), 2L));
    assertThat(convert(LocalDate.of(2024, 5, 1), String.class)).isEqualTo("2024-05-01");
    assertThatThrownBy(() -> convert(Thread.currentThread(), Map.class))
        .isInstanceOf(PackException.class);
  }

  record Node(List<Node> children) {}

  @Test
  void deeplyNestedValuesAreRefused() {
    Object deep = Map.of();
    for (int i = 0; i < ValueConverter.MAX_DEPTH; i++) {
      deep = Map.of(kw("children"), List.of(deep));
    }
    Object value = deep;
    assertThatThrownBy(() -> convert(value, Node.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("nested deeper");
    Object shallow = Map.of(kw("children"), List.of(Map.of()));
    assertThat(convert(shallow, Node.class)).isEqualTo(new Node(List.of(new Node(null))));
  }
}
