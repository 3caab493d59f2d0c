package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.cognitect.transit.Ratio;
import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.TaggedValue;
import com.cognitect.transit.TransitFactory;
import com.cognitect.transit.WriteHandler;
import dev.sente.core.Keyword;
import dev.sente.core.Packed;
import dev.sente.core.Symbol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every supported type written and read back, and Transit's caching in both directions. */
class TransitRoundTripTest {

  private final TransitPacker packer = TransitPacker.create();

  enum Mood {
    HAPPY,
    GRUMPY_CAT
  }

  record Item(String name, long qty, Mood mood) {}

  record Order(UUID id, List<Item> items, Set<String> tags, Instant at, Optional<String> note) {}

  /** A POJO with getters and setters. */
  public static final class Profile {
    private String name;
    private boolean admin;

    public Profile() {}

    Profile(String name, boolean admin) {
      this.name = name;
      this.admin = admin;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public boolean isAdmin() {
      return admin;
    }

    public void setAdmin(boolean admin) {
      this.admin = admin;
    }
  }

  private Object roundTrip(Object value) {
    return packer.unpack(packer.pack(value));
  }

  private String text(Object value) {
    return ((Packed.Text) packer.pack(value)).text();
  }

  private static Keyword kw(String name) {
    return Keyword.of(name);
  }

  @Test
  void scalarsRoundTripToTheirTransitTypes() {
    assertThat(roundTrip("hi")).isEqualTo("hi");
    assertThat(roundTrip("~tricky")).isEqualTo("~tricky");
    assertThat(roundTrip("^0")).isEqualTo("^0");
    assertThat(roundTrip("`x")).isEqualTo("`x");
    assertThat(roundTrip(true)).isEqualTo(true);
    assertThat(roundTrip(null)).isNull();
    assertThat(roundTrip(42)).isEqualTo(42L);
    assertThat(roundTrip(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(roundTrip(1.5)).isEqualTo(1.5);
    assertThat(roundTrip(Double.NaN)).isEqualTo(Double.NaN);
    assertThat(roundTrip(Double.NEGATIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(roundTrip(new BigInteger("123456789012345678901234567890")))
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(roundTrip(new BigDecimal("3.14159265358979323846")))
        .isEqualTo(new BigDecimal("3.14159265358979323846"));
    assertThat(roundTrip('x')).isEqualTo('x');
    assertThat(roundTrip(kw("chat/send"))).isEqualTo(kw("chat/send"));
    assertThat(roundTrip(TransitFactory.keyword("chat/send"))).isEqualTo(kw("chat/send"));
    assertThat(roundTrip(Symbol.of("my/sym"))).isEqualTo(Symbol.of("my/sym"));
    assertThat(roundTrip(TransitFactory.symbol("my/sym"))).isEqualTo(Symbol.of("my/sym"));
    UUID id = UUID.randomUUID();
    assertThat(roundTrip(id)).isEqualTo(id);
    assertThat(roundTrip(new byte[] {1, 2, 3})).isEqualTo(new byte[] {1, 2, 3});
    assertThat(roundTrip(new AtomicLong(7))).isEqualTo(7L);
  }

  @Test
  void largeIntegersTravelAsTaggedStrings() {
    assertThat(text(List.of(9007199254740991L))).isEqualTo("[9007199254740991]");
    assertThat(text(List.of(9007199254740992L))).isEqualTo("[\"~i9007199254740992\"]");
    assertThat(text(List.of(BigInteger.TEN))).isEqualTo("[\"~n10\"]");
    assertThat(text(List.of(new BigDecimal("1.5")))).isEqualTo("[\"~f1.5\"]");
  }

  @Test
  void datesAndInstantsAreMillisecondsAndReadBackAsDates() {
    Instant at = Instant.parse("2024-05-01T12:00:00.123Z");
    assertThat(text(List.of(at))).isEqualTo("[\"~m" + at.toEpochMilli() + "\"]");
    assertThat(roundTrip(at)).isEqualTo(Date.from(at));
    assertThat(roundTrip(Date.from(at))).isEqualTo(Date.from(at));
    assertThat(packer.unpack(Packed.text("[\"~t2024-05-01T12:00:00.123Z\"]")))
        .isEqualTo(List.of(Date.from(at)));
    assertThat(roundTrip(LocalDate.of(2024, 5, 1))).isEqualTo("2024-05-01");
  }

  @Test
  void collectionsRoundTrip() {
    assertThat(roundTrip(List.of(1, "a", List.of()))).isEqualTo(List.of(1L, "a", List.of()));
    assertThat(text(new LinkedList<>(List.of(1, 2)))).isEqualTo("[1,2]");
    assertThat(roundTrip(new int[] {1, 2})).isEqualTo(List.of(1L, 2L));
    assertThat(roundTrip(new String[] {"a", "b"})).isEqualTo(List.of("a", "b"));
    assertThat(roundTrip(new java.util.ArrayDeque<>(List.of("q")))).isEqualTo(List.of("q"));
    Set<Object> set = new LinkedHashSet<>(List.of("a", kw("b"), 3L));
    assertThat(text(set)).isEqualTo("[\"~#set\",[\"a\",\"~:b\",3]]");
    assertThat(roundTrip(set)).isEqualTo(set);
    assertThat(packer.unpack(Packed.text("[\"~#list\",[1,2]]"))).isEqualTo(List.of(1L, 2L));
  }

  @Test
  void mapsKeepTheirKeysAndOrder() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(kw("user/id"), 1L);
    map.put("plain", "s");
    map.put(7L, "int key");
    map.put(null, "nil key");
    assertThat(text(map))
        .isEqualTo(
            "[\"^ \",\"~:user/id\",1,\"plain\",\"s\",\"~i7\",\"int key\",\"~_\",\"nil key\"]");
    assertThat(roundTrip(map)).isEqualTo(map);
    List<Object> keysRead = new ArrayList<>(((Map<?, ?>) roundTrip(map)).keySet());
    assertThat(keysRead).containsExactlyElementsOf(map.keySet());
  }

  @Test
  void mapsWithCompositeKeysAreCmaps() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(List.of(1L, 2L), "point");
    assertThat(text(map)).isEqualTo("[\"~#cmap\",[[1,2],\"point\"]]");
    assertThat(roundTrip(map)).isEqualTo(map);
  }

  @Test
  void recordsAndPojosAreMapsWithKeywordKeysAndConvertBack() {
    Order order =
        new Order(
            UUID.fromString("5f1d6c2e-8d1c-4c1e-9a5e-1a2b3c4d5e6f"),
            List.of(new Item("tea", 2, Mood.HAPPY), new Item("cake", 1, Mood.GRUMPY_CAT)),
            new LinkedHashSet<>(List.of("gift")),
            Instant.ofEpochMilli(1_700_000_000_000L),
            Optional.empty());
    String text = text(order);
    assertThat(text)
        .startsWith("[\"^ \",\"~:id\",\"~u5f1d6c2e-8d1c-4c1e-9a5e-1a2b3c4d5e6f\",\"~:items\",")
        .contains("[\"^ \",\"~:name\",\"tea\",\"~:qty\",2,\"~:mood\",\"~:HAPPY\"]")
        .contains("[\"^ \",\"^2\",\"cake\",\"^3\",1,\"^4\",\"~:GRUMPY_CAT\"]")
        .contains("\"~:tags\",[\"~#set\",[\"gift\"]]")
        .endsWith("\"~:note\",null]");
    Object back = packer.unpack(packer.pack(order));
    assertThat(((Map<?, ?>) back).get(kw("items"))).isInstanceOf(List.class);
    assertThat(packer.convert(back, Order.class)).isEqualTo(order);

    Object profile = roundTrip(new Profile("ann", true));
    assertThat(profile).isEqualTo(Map.of(kw("admin"), true, kw("name"), "ann"));
    Profile converted = packer.convert(profile, Profile.class);
    assertThat(converted.getName()).isEqualTo("ann");
    assertThat(converted.isAdmin()).isTrue();
  }

  @Test
  void transitOwnTypesRoundTrip() {
    Object ratio = packer.unpack(Packed.text("[\"~#ratio\",[\"~n1\",\"~n3\"]]"));
    assertThat(ratio).isInstanceOf(Ratio.class);
    assertThat(((Ratio) ratio).getNumerator()).isEqualTo(BigInteger.ONE);
    assertThat(((Ratio) ratio).getDenominator()).isEqualTo(BigInteger.valueOf(3));
    assertThat(((Ratio) ratio).getValue()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(ratio).isEqualTo(packer.unpack(Packed.text("[\"~#ratio\",[\"~n1\",\"~n3\"]]")));
    assertThat(packer.convert(ratio, double.class)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(text(ratio)).isEqualTo("[\"~#ratio\",[\"~n1\",\"~n3\"]]");
    Object uri = packer.unpack(Packed.text("[\"~rhttps://example.com/a\"]"));
    assertThat(text(uri)).isEqualTo("[\"~rhttps://example.com/a\"]");
  }

  @Test
  void unknownTagsStayTaggedValuesAndWriteBackUnchanged() {
    Object scalar = packer.unpack(Packed.text("[\"~xfoo\"]"));
    TaggedValue<?> tv = (TaggedValue<?>) ((List<?>) scalar).get(0);
    assertThat(tv.getTag()).isEqualTo("x");
    assertThat(tv.getRep()).isEqualTo("foo");
    assertThat(text(scalar)).isEqualTo("[\"~xfoo\"]");

    Object composite = packer.unpack(Packed.text("[\"~#point\",[1,2]]"));
    assertThat(((TaggedValue<?>) composite).getRep()).isEqualTo(List.of(1L, 2L));
    assertThat(text(composite)).isEqualTo("[\"~#point\",[1,2]]");
  }

  @Test
  void writtenCacheReferencesReadBack() {
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(new Item("n" + i, i, Mood.HAPPY));
    }
    String text = text(rows);
    assertThat(text)
        .isEqualTo(
            "[[\"^ \",\"~:name\",\"n0\",\"~:qty\",0,\"~:mood\",\"~:HAPPY\"],"
                + "[\"^ \",\"^0\",\"n1\",\"^1\",1,\"^2\",\"^3\"],"
                + "[\"^ \",\"^0\",\"n2\",\"^1\",2,\"^2\",\"^3\"]]");
    assertThat(packer.unpack(Packed.text(text))).isEqualTo(packer.unpack(packer.pack(rows)));
    assertThat(packer.convert(packer.unpack(Packed.text(text)), Item[].class))
        .containsExactlyElementsOf(rows.stream().map(Item.class::cast).toList());
  }

  @Test
  void handWrittenCacheReferencesInKeysAndValuesRead() {
    Object value =
        packer.unpack(
            Packed.text(
                "[[\"^ \",\"~:user/name\",\"x\",\"~:user/id\",\"~:role/admin\"],"
                    + "[\"^ \",\"^0\",\"y\",\"^1\",\"^2\"]]"));
    Map<Keyword, Object> second = Map.of(kw("user/name"), "y", kw("user/id"), kw("role/admin"));
    assertThat(((List<?>) value).get(1)).isEqualTo(second);
  }

  @Test
  void twoCharacterCacheCodesAndTheCacheWrapAroundRoundTrip() {
    List<Object> pairs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      pairs.add(kw("k/w" + i));
      pairs.add(kw("k/w" + i));
    }
    String text = text(pairs);
    // 44 digits from '0': index 44 is "^10", the last of 44 x 44 is "^[[", then it starts again.
    assertThat(text).contains("\"~:k/w44\",\"^10\"").contains("\"~:k/w1935\",\"^[[\"");
    assertThat(text).contains("\"~:k/w1936\",\"^0\"");
    assertThat(packer.unpack(Packed.text(text))).isEqualTo(pairs);
  }

  @Test
  void verboseJsonMapsAreReadToo() {
    assertThat(packer.unpack(Packed.text("{\"~:a\":1,\"b\":{\"~#set\":[2]}}")))
        .isEqualTo(Map.of(kw("a"), 1L, "b", Set.of(2L)));
  }

  @Test
  void binaryPackedUtf8IsReadLikeText() {
    byte[] bytes = "[\"~:chat/msg\",\"héllo ✓\"]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(packer.unpack(Packed.binary(bytes))).isEqualTo(List.of(kw("chat/msg"), "héllo ✓"));
  }

  record Point(long x, long y) {}

  @Test
  void customHandlersWriteAndReadApplicationTypes() {
    WriteHandler<Point, List<Long>> write =
        new WriteHandler<>() {
          @Override
          public String tag(Point p) {
            return "point";
          }

          @Override
          public List<Long> rep(Point p) {
            return List.of(p.x(), p.y());
          }

          @Override
          public String stringRep(Point p) {
            return null;
          }

          @Override
          public <V> WriteHandler<Point, V> getVerboseHandler() {
            return null;
          }
        };
    ReadHandler<Point, List<Long>> read = rep -> new Point(rep.get(0), rep.get(1));
    TransitPacker custom =
        TransitPacker.builder().writeHandler(Point.class, write).readHandler("point", read).build();
    Packed packed = custom.pack(List.of(new Point(1, 2)));
    assertThat(((Packed.Text) packed).text()).isEqualTo("[[\"~#point\",[1,2]]]");
    assertThat(custom.unpack(packed)).isEqualTo(List.of(new Point(1, 2)));
    assertThat(packer.unpack(packed))
        .isEqualTo(List.of(TransitFactory.taggedValue("point", List.of(1L, 2L))));
  }

  @Test
  void optionalIsItsValueOrNull() {
    assertThat(text(List.of(Optional.of("x"), Optional.empty()))).isEqualTo("[\"x\",null]");
    assertThat(text(Optional.of(List.of(1)))).isEqualTo("[1]");
  }
}
