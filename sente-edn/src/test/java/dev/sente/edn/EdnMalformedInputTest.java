package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input is refused with PackException, naming the position, quickly and without overflow. */
class EdnMalformedInputTest {

  private static final EdnPacker PACKER = EdnPacker.create();

  record Node(List<Node> children) {}

  static List<Arguments> malformed() {
    return List.of(
        Arguments.of("[1 2", "end of input inside the vector that starts at position 0"),
        Arguments.of("(1", "inside the list"),
        Arguments.of("{:a 1", "inside the map"),
        Arguments.of("#{1", "inside the set"),
        Arguments.of("[1]]", "Unexpected content after the value at position 3"),
        Arguments.of("]", "unmatched delimiter ']' at position 0"),
        Arguments.of("[1 }", "unmatched delimiter '}' at position 3"),
        Arguments.of("[1 #_]", "unmatched delimiter"),
        Arguments.of("1 2", "Unexpected content after the value at position 2"),
        Arguments.of("\"abc", "inside the string that starts at position 0"),
        Arguments.of("\"\\x\"", "unsupported escape character '\\x' at position 1"),
        Arguments.of("\"\\u12\"", "invalid unicode escape"),
        Arguments.of("\"\\u12zz\"", "invalid unicode escape"),
        Arguments.of("\"\\400\"", "octal escape must be in range"),
        Arguments.of("\"\\", "end of input in a string escape"),
        Arguments.of("\\", "end of input after '\\'"),
        Arguments.of("\\abc", "unsupported character '\\abc'"),
        Arguments.of("\\uD800", "unsupported character"),
        Arguments.of("\\o400", "unsupported character"),
        Arguments.of("{:a}", "a map needs an even number of forms at position 0"),
        Arguments.of("{:a 1 :a 2}", "duplicate map key :a"),
        Arguments.of("#{1 1}", "duplicate set element 1"),
        Arguments.of("#foo 1", "no reader function for tag #foo at position 0"),
        Arguments.of("[0 #my/tag 1]", "no reader function for tag #my/tag at position 3"),
        Arguments.of("#\"regex\"", "no dispatch macro for '#\"'"),
        Arguments.of("#(x)", "no dispatch macro for '#('"),
        Arguments.of("#", "end of input after '#'"),
        Arguments.of("##Foo", "unknown symbolic value"),
        Arguments.of("#uuid \"abc\"", "invalid #uuid"),
        Arguments.of("#uuid 1", "#uuid expects a string"),
        Arguments.of("#inst \"2020-13-01\"", "invalid #inst"),
        Arguments.of("#inst \"2020-02-30\"", "invalid #inst"),
        Arguments.of("#inst \"2020-01-01T23:58:60Z\"", "invalid #inst"),
        Arguments.of("#inst \"yesterday\"", "invalid #inst"),
        Arguments.of("#::{:a 1}", "needs a namespace"),
        Arguments.of("#:a [1]", "needs a map"),
        Arguments.of("^1 [1]", "metadata must be"),
        Arguments.of("::a", "invalid token '::a'"),
        Arguments.of(":a:", "invalid token"),
        Arguments.of(":", "invalid token"),
        Arguments.of("a/", "invalid token"),
        Arguments.of("@a", "invalid token"),
        Arguments.of("08", "invalid number '08'"),
        Arguments.of("1a", "invalid number '1a'"),
        Arguments.of("1.5f", "invalid number"),
        Arguments.of("1/0", "divide by zero"),
        Arguments.of("1/-3", "invalid number"),
        Arguments.of("2r1012", "invalid number"),
        Arguments.of("99r1", "radix out of range"),
        Arguments.of("1e99999999M", "decimal exponent is beyond the limit"),
        Arguments.of("[1 2 3\n 1x]", "invalid number '1x' at position 8"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void malformedInputIsRejectedWithPackException(String input, String message) {
    assertThatThrownBy(() -> PACKER.read(input))
        .isInstanceOf(PackException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("position");
  }

  @Test
  void aMillionDigitNumberIsRefusedQuickly() {
    String huge = "1".repeat(1_000_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (String input :
              List.of(huge, "[" + huge + "]", huge + "N", huge + ".5M", "1/" + huge)) {
            assertThatThrownBy(() -> PACKER.read(input))
                .isInstanceOf(PackException.class)
                .hasMessageContaining("longer than the limit of 10000");
          }
        });
    assertThat(PACKER.read("1".repeat(10_000))).isInstanceOf(java.math.BigInteger.class);
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (String opener :
              List.of("[", "(", "{", "#{", "#_", "#my/t ", "^:m ", "##", "#:a{:k ")) {
            String deep = opener.repeat(100_000);
            assertThatThrownBy(() -> PACKER.read(deep))
                .as(opener)
                .isInstanceOf(PackException.class)
                .hasMessageContaining("nested deeper than 256 levels");
          }
        });
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    String ok = "[".repeat(256) + "]".repeat(256);
    assertThat(PACKER.read(ok)).isInstanceOf(List.class);
    EdnPacker shallow = EdnPacker.builder().maxDepth(8).build();
    assertThatThrownBy(() -> shallow.read("[[[[[[[[[[]]]]]]]]]]"))
        .isInstanceOf(PackException.class);
  }

  @Test
  void deepValuesAreRefusedWhenPackingAndConverting() {
    Object deep = List.of();
    for (int i = 0; i < 1000; i++) {
      deep = List.of(deep);
    }
    Object value = deep;
    assertThatThrownBy(() -> PACKER.pack(value)).isInstanceOf(PackException.class);
    Object tree = PACKER.read("{:children []}");
    for (int i = 0; i < 1000; i++) {
      tree = Map.of(Keyword.of("children"), List.of(tree));
    }
    Object deepTree = tree;
    assertThatThrownBy(() -> PACKER.convert(deepTree, Node.class))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("deeper than 256");
  }

  @Test
  void invalidUtf8BytesDoNotBreakTheReader() {
    byte[] bytes = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
    assertThat(PACKER.unpack(Packed.binary(bytes))).isInstanceOf(List.class);
  }
}
