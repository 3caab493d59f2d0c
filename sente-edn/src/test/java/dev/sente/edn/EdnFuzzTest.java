package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sente.core.PackException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated input: every case must decode or be refused with a PackException of the
 * reader's own (no wrapped unexpected exception), and never hang or overflow the stack.
 */
class EdnFuzzTest {

  private static final EdnPacker PACKER = EdnPacker.create();

  private static final List<String> SEEDS =
      List.of(
          "[[:chsk/handshake [\"alice\" nil nil]] nil]",
          "[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]] nil]",
          "[[:chat/send {:text \"h\\\"i\\n\\u00e9\"}] \"8f3a1c\"]",
          "{:a 1, :b [1.5 -2 3N 4M 1/3 0x1F 36rZZ ##NaN], #{:x} (a b), \"s\" \\newline}",
          "#uuid \"550e8400-e29b-41d4-a716-446655440000\"",
          "[#inst \"2020-01-01T00:00:00.000-00:00\" #_ 1 ; c\n ^:m #:ns{:k v}]",
          "[\\a \\u00e9 \\o101 \\space nil true false sym ns/sym :k]");

  private static final String ALPHABET = "[](){}#_:;\\\"'^,. \n/0123456789+-eEMNxruoabcdnilINf@`~";

  @Test
  void randomAndMutatedInputsDecodeOrFailCleanly() {
    Random random = new Random(20240617L);
    assertTimeoutPreemptively(
        Duration.ofSeconds(8),
        () -> {
          int decoded = 0;
          int refused = 0;
          for (int i = 0; i < 4000; i++) {
            String input = i % 2 == 0 ? mutate(random) : randomText(random);
            if (tryRead(input)) {
              decoded++;
            } else {
              refused++;
            }
          }
          assertThat(decoded).as("some inputs decode").isPositive();
          assertThat(refused).as("some inputs are refused").isPositive();
        });
  }

  @Test
  void whatDecodesWritesAndReadsBackTheSame() {
    Random random = new Random(7L);
    for (int i = 0; i < 2000; i++) {
      String input = mutate(random);
      Object value;
      try {
        value = PACKER.read(input);
      } catch (PackException e) {
        continue;
      }
      if (!input.contains("NaN")) {
        String written = PACKER.write(value);
        assertThat(PACKER.read(written)).as(input).isEqualTo(value);
      }
    }
  }

  private static boolean tryRead(String input) {
    try {
      PACKER.read(input);
      return true;
    } catch (PackException e) {
      assertThat(e.getCause()).as("cause for input %s", input).isNull();
      assertThat(e.getMessage()).contains("position");
      return false;
    }
  }

  private static String mutate(Random random) {
    StringBuilder s = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits && s.length() > 0; e++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.deleteCharAt(at);
        case 1 -> s.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        case 2 -> s.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        default -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(8))));
      }
    }
    return s.toString();
  }

  private static String randomText(Random random) {
    int length = random.nextInt(40);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(
          random.nextInt(10) == 0
              ? (char) random.nextInt(0x3000)
              : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }
}
