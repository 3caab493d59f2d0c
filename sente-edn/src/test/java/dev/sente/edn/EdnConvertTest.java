package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Converting unpacked EDN into records, POJOs, collections and scalars, and back. */
class EdnConvertTest {

  record ChatLine(String text) {}

  enum Role {
    ADMIN,
    READ_ONLY
  }

  record User(
      String name, int age, Role role, List<ChatLine> lines, Set<String> tags, Optional<UUID> id) {}

  record Box<T>(T value, List<T> more) {}

  record Timed(Instant at, Date date, long[] counts, char initial, LocalDate day) {}

  /** A POJO filled through setters and a field. */
  public static final class Settings {
    private String theme;
    private int fontSize;
    public boolean compact;

    public String getTheme() {
      return theme;
    }

    public void setTheme(String theme) {
      this.theme = theme;
    }

    public int getFontSize() {
      return fontSize;
    }

    public void setFontSize(int fontSize) {
      this.fontSize = fontSize;
    }
  }

  private final EdnPacker packer = EdnPacker.create();

  private <T> T convert(String edn, Type type) {
    return packer.convert(packer.read(edn), type);
  }

  private static Type typeOf(String field) throws NoSuchFieldException {
    return Holder.class.getDeclaredField(field).getGenericType();
  }

  /** Declares generic types for the tests. */
  @SuppressWarnings("unused")
  private static final class Holder {
    List<ChatLine> lines;
    Map<String, Integer> counts;
    Box<ChatLine> box;
    SortedSet<Long> sorted;
    Map<Role, List<Long>> byRole;
    ChatLine[] array;
  }

  @Test
  void aRecordPacksToAKeywordMapAndConvertsBack() {
    assertThat(packer.write(new ChatLine("hi"))).isEqualTo("{:text \"hi\"}");
    assertThat(packer.convert(packer.unpack(Packed.text("{:text \"hi\"}")), ChatLine.class))
        .isEqualTo(new ChatLine("hi"));
  }

  @Test
  void nestedRecordsEnumsSetsAndOptionalsConvert() {
    User user =
        convert(
            "{:name \"ann\" :age 30 :role :read-only :lines [{:text \"a\"} {:text \"b\"}]"
                + " :tags #{\"x\"} :id #uuid \"550e8400-e29b-41d4-a716-446655440000\""
                + " :unknown 1}",
            User.class);
    assertThat(user.name()).isEqualTo("ann");
    assertThat(user.age()).isEqualTo(30);
    assertThat(user.role()).isEqualTo(Role.READ_ONLY);
    assertThat(user.lines()).containsExactly(new ChatLine("a"), new ChatLine("b"));
    assertThat(user.tags()).containsExactly("x");
    assertThat(user.id()).contains(UUID.fromString("550e8400-e29b-41d4-a716-446655440000"));
    User back = packer.convert(packer.read(packer.write(user)), User.class);
    assertThat(back).isEqualTo(user);
  }

  @Test
  void missingComponentsGetDefaults() {
    User user = convert("{:name \"bob\"}", User.class);
    assertThat(user.age()).isZero();
    assertThat(user.role()).isNull();
    assertThat(user.id()).isEmpty();
  }

  @Test
  void stringAndKebabCaseKeysFillComponents() {
    record Login(String userId, boolean rememberMe) {}
    Login login = convert("{:user-id \"u1\" \"rememberMe\" true}", Login.class);
    assertThat(login).isEqualTo(new Login("u1", true));
  }

  @Test
  void pojosConvertThroughSettersAndFields() {
    Settings s = convert("{:theme \"dark\" :font-size 14 :compact true}", Settings.class);
    assertThat(s.getTheme()).isEqualTo("dark");
    assertThat(s.getFontSize()).isEqualTo(14);
    assertThat(s.compact).isTrue();
    assertThat(packer.write(s)).isEqualTo("{:theme \"dark\", :fontSize 14, :compact true}");
  }

  @Test
  void genericTypesAreFollowed() throws Exception {
    List<ChatLine> lines = convert("[{:text \"a\"}]", typeOf("lines"));
    assertThat(lines).containsExactly(new ChatLine("a"));
    Map<String, Integer> counts = convert("{:a 1 \"b\" 2}", typeOf("counts"));
    assertThat(counts).containsEntry("a", 1).containsEntry("b", 2);
    Box<ChatLine> box = convert("{:value {:text \"v\"} :more [{:text \"m\"}]}", typeOf("box"));
    assertThat(box.value()).isEqualTo(new ChatLine("v"));
    assertThat(box.more()).containsExactly(new ChatLine("m"));
    SortedSet<Long> sorted = convert("#{3 1 2}", typeOf("sorted"));
    assertThat(sorted).containsExactly(1L, 2L, 3L);
    Map<Role, List<Long>> byRole = convert("{:admin [1] :READ_ONLY (2)}", typeOf("byRole"));
    assertThat(byRole)
        .containsEntry(Role.ADMIN, List.of(1L))
        .containsEntry(Role.READ_ONLY, List.of(2L));
    ChatLine[] array = convert("[{:text \"a\"}]", typeOf("array"));
    assertThat(array).containsExactly(new ChatLine("a"));
  }

  @Test
  void scalarsConvert() {
    Timed t =
        convert(
            "{:at #inst \"2020-01-01T00:00:00.000-00:00\" :date #inst \"1970\" :counts #{7}"
                + " :initial \\x :day \"2020-01-02\"}",
            Timed.class);
    assertThat(t.at()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(t.date()).isEqualTo(new Date(0));
    assertThat(t.counts()).containsExactly(7L);
    assertThat(t.initial()).isEqualTo('x');
    assertThat(t.day()).isEqualTo(LocalDate.of(2020, 1, 2));
    assertThat((String) packer.convert(Keyword.of("chat/send"), String.class))
        .isEqualTo("chat/send");
    assertThat((Keyword) packer.convert("a/b", Keyword.class)).isEqualTo(Keyword.of("a/b"));
    assertThat((Object) packer.convert(List.of(1L), Object.class)).isEqualTo(List.of(1L));
  }

  @Test
  void numbersWidenAndNarrowOnlyExactly() {
    assertThat((int) packer.convert(42L, int.class)).isEqualTo(42);
    assertThat((byte) packer.convert(-128L, byte.class)).isEqualTo((byte) -128);
    assertThat((double) packer.convert(3L, double.class)).isEqualTo(3.0);
    assertThat((long) packer.convert(2.0, long.class)).isEqualTo(2L);
    assertThat((BigInteger) packer.convert(5L, BigInteger.class)).isEqualTo(BigInteger.valueOf(5));
    assertThat((BigDecimal) packer.convert(1.5, BigDecimal.class)).isEqualTo(new BigDecimal("1.5"));
    assertThat((long) packer.convert(new BigInteger("12"), long.class)).isEqualTo(12L);
    assertThat((double) packer.convert(Ratio.of(1, 4), double.class)).isEqualTo(0.25);
    assertThatThrownBy(() -> packer.convert(300L, byte.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> packer.convert(1.5, int.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> packer.convert(new BigDecimal("1E+100000"), long.class))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> packer.convert(null, int.class)).isInstanceOf(PackException.class);
  }

  @Test
  void mismatchesAreReportedWithThePath() {
    assertThatThrownBy(() -> convert("{:name \"ann\" :age \"old\"}", User.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("User.age");
    assertThatThrownBy(() -> convert("{:lines [{:text \"a\"} 5]}", User.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("[1]");
    assertThatThrownBy(() -> convert("{:role :nobody}", User.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("no such constant");
    assertThatThrownBy(() -> convert("[1]", ChatLine.class)).isInstanceOf(PackException.class);
  }

  @Test
  void recordValidationFailuresBecomePackExceptions() {
    record Positive(int n) {
      Positive {
        if (n <= 0) {
          throw new IllegalArgumentException("must be positive");
        }
      }
    }
    assertThatThrownBy(() -> convert("{:n -1}", Positive.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("must be positive");
  }

  @Test
  void applicationObjectsConvertThroughTheirEdnForm() {
    record Wrapper(ChatLine line) {}
    Map<?, ?> raw = packer.convert(new Wrapper(new ChatLine("x")), Map.class);
    assertThat(raw).isEqualTo(Map.of(Keyword.of("line"), Map.of(Keyword.of("text"), "x")));
    assertThat((ChatLine) packer.convert(Map.of("text", "y"), ChatLine.class))
        .isEqualTo(new ChatLine("y"));
  }
}
