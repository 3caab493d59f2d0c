package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.cognitect.transit.ReadHandler;
import com.cognitect.transit.TaggedValue;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.SenteException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a PackException, fast: never a hang, a stack overflow or a stray exception. */
class TransitMalformedInputTest {

  private final TransitPacker packer = TransitPacker.create();

  private Object read(String text) {
    return packer.unpack(Packed.text(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "[[1]",
        "[1]]",
        "[1] [2]",
        "{",
        "]",
        "[1,]",
        "nul",
        "[\"unterminated]",
        "[01]",
        "{\"a\" 1}",
        "[\"^\"]",
        "[\"^5\"]",
        "[\"^0\"]",
        "[\"^0000\"]",
        "[\"^~~\"]",
        "[\"~:a/b\",\"^1\"]",
        "[1,\"~#foo\"]",
        "\"~#foo\"",
        "[\"^ \",\"~#foo\",\"~#bar\"]",
        "[\"~#foo\",1,2]",
        "[[\"~#foo\",1,2],3]",
        "{\"~#foo\":1,\"b\":2}",
        "[\"~#set\",1]",
        "[\"~#set\",[\"~#x\"]]",
        "[\"~#list\",{\"a\":1}]",
        "[\"~#cmap\",[1]]",
        "[\"~#ratio\",[1]]",
        "[\"~#ratio\",[\"~n1\",\"~n0\"]]",
        "[\"~#'\",\"~#x\"]",
        "[\"~:\"]",
        "[\"~c\"]",
        "[\"~uxyz\"]",
        "[\"~u\"]",
        "[\"~mabc\"]",
        "[\"~tyesterday\"]",
        "[\"~bnot base64!\"]",
        "[\"~nabc\"]",
        "[\"~f1e999999999\"]",
        "[\"~zMAYBE\"]",
        "[\"^ \",\"a\"]",
      })
  void malformedTransitIsRejectedWithPackException(String text) {
    assertThatThrownBy(() -> read(text)).isInstanceOf(PackException.class);
  }

  @Test
  void unknownTagsAreKeptAsTaggedValuesNotRejected() {
    assertThat(((List<?>) read("[\"~xfoo\"]")).get(0)).isInstanceOf(TaggedValue.class);
    assertThat(read("[\"~#point\",[1,2]]")).isInstanceOf(TaggedValue.class);
    assertThat(read("{\"~#point\":[1,2]}")).isInstanceOf(TaggedValue.class);
  }

  @Test
  void invalidUtf8IsRejected() {
    byte[] bytes = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
    assertThatThrownBy(() -> packer.unpack(Packed.binary(bytes))).isInstanceOf(PackException.class);
  }

  @Test
  void hugeNumbersAreRejectedButLongOnesRead() {
    String digits = "9".repeat(2000);
    assertThatThrownBy(() -> read("[" + digits + "]")).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> read("[\"~n" + digits + "\"]")).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> read("[\"~i" + digits + "\"]")).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> read("[\"~f" + digits + "\"]")).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> read("[\"~d" + digits + "\"]")).isInstanceOf(PackException.class);
    String long500 = "9".repeat(500);
    assertThat(read("[" + long500 + "]")).isEqualTo(List.of(new BigInteger(long500)));
    assertThat(read("[\"~n" + long500 + "\"]")).isEqualTo(List.of(new BigInteger(long500)));
    assertThat(read("[1e400]")).isEqualTo(List.of(Double.POSITIVE_INFINITY));
  }

  @Test
  void deepNestingOfAHundredThousandLevelsIsRejectedQuickly() {
    int depth = 100_000;
    List<String> inputs =
        List.of(
            "[".repeat(depth) + "]".repeat(depth),
            "[".repeat(depth),
            "{\"a\":".repeat(depth) + "1" + "}".repeat(depth),
            "[\"~#'\",".repeat(depth) + "1" + "]".repeat(depth),
            "[\"^ \",\"a\",".repeat(depth) + "1" + "]".repeat(depth),
            "[\"~#set\",[".repeat(depth) + "]]".repeat(depth));
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> {
          for (String input : inputs) {
            assertThatThrownBy(() -> read(input))
                .isInstanceOf(PackException.class)
                .hasMessageContaining("nesting");
          }
        });
  }

  @Test
  void nestingUpToTheBoundIsRead() {
    int depth = TransitPacker.DEFAULT_MAX_NESTING_DEPTH;
    Object value = read("[".repeat(depth) + "]".repeat(depth));
    assertThat(value).isInstanceOf(List.class);
    assertThatThrownBy(() -> read("[".repeat(depth + 1) + "]".repeat(depth + 1)))
        .isInstanceOf(PackException.class);
  }

  @Test
  void theNestingBoundIsConfigurable() {
    TransitPacker shallow = TransitPacker.builder().maxNestingDepth(3).build();
    assertThat(shallow.unpack(Packed.text("[[[1]]]"))).isEqualTo(List.of(List.of(List.of(1L))));
    assertThatThrownBy(() -> shallow.unpack(Packed.text("[[[[1]]]]")))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> shallow.pack(List.of(List.of(List.of(List.of(1))))))
        .isInstanceOf(PackException.class);
    assertThatThrownBy(() -> TransitPacker.builder().maxNestingDepth(0))
        .isInstanceOf(SenteException.class);
  }

  @Test
  void overridingATransitGroundTypeIsRefused() {
    ReadHandler<Object, String> handler = rep -> rep;
    assertThatThrownBy(() -> TransitPacker.builder().readHandler("s", handler).build())
        .isInstanceOf(SenteException.class);
  }

  @Test
  void valuesTooDeepOrCyclicAreRejectedWhenPacking() {
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 100_000; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    assertThatThrownBy(() -> packer.pack(deep)).isInstanceOf(PackException.class);

    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    assertThatThrownBy(() -> packer.pack(cyclic)).isInstanceOf(PackException.class);
  }

  record Broken(String name) {
    @Override
    public String name() {
      throw new IllegalStateException("boom");
    }
  }

  /** A class with nothing to write. */
  static final class Opaque {}

  @Test
  void valuesWithoutAMappingAreRejectedWhenPacking() {
    assertThatThrownBy(() -> packer.pack(List.of(new Object()))).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> packer.pack(List.of(Thread.currentThread())))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("java.lang.Thread");
    assertThatThrownBy(() -> packer.pack(List.of(new Opaque())))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("no properties");
    assertThatThrownBy(() -> packer.pack(List.of(new Broken("x"))))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("boom");
    Runnable lambda = () -> {};
    assertThatThrownBy(() -> packer.pack(List.of(lambda))).isInstanceOf(PackException.class);
    assertThatThrownBy(() -> packer.pack(Map.of("k", new java.io.File("x"))))
        .isInstanceOf(PackException.class);
  }
}
