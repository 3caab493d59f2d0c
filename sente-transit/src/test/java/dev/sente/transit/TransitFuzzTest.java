package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.cognitect.transit.TransitFactory;
import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mutated and random frames (fixed seed): each one is either decoded or rejected with a
 * PackException, quickly; what is decoded can be packed again or is rejected the same way.
 */
class TransitFuzzTest {

  private static final String ALPHABET = "[]{}\",:^~#`\\ 0123456789.-+eEabcfimnrstuz_?'$/";

  private final TransitPacker packer = TransitPacker.create();
  private final Protocol protocol = Protocol.of(packer);

  record Line(String text, int n) {}

  private List<String> seeds() {
    Map<Object, Object> cmap = new LinkedHashMap<>();
    cmap.put(List.of(1, 2), "p");
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(
        TransitFactory.keyword("user/id"), UUID.fromString("5f1d6c2e-8d1c-4c1e-9a5e-1a2b3c4d5e6f"));
    mixed.put("at", Instant.ofEpochMilli(1_700_000_000_000L));
    mixed.put(3L, new LinkedHashSet<>(List.of("a", TransitFactory.keyword("b"))));
    mixed.put(
        TransitFactory.keyword("big"),
        List.of(
            new BigInteger("123456789012345678901234"),
            new BigDecimal("1.5"),
            1e300,
            'c',
            new byte[] {1, 2}));
    List<String> seeds = new ArrayList<>();
    seeds.add(
        text(protocol.handshake(Optional.of("alice"), Map.of(TransitFactory.keyword("v"), 1))));
    seeds.add(text(protocol.handshake(Optional.empty(), null)));
    seeds.add(
        text(
            protocol.push(
                List.of(
                    Event.of("chat/msg", "a"),
                    Event.of("chat/msg", new Line("b", 2)),
                    Event.of("chat/msg", new Line("c", 3))))));
    seeds.add(text(protocol.clientEvent(Event.of("chat/send", mixed), protocol.ajaxMarker())));
    seeds.add(text(protocol.reply(cmap, "b71e0d")));
    seeds.add(text(protocol.serverPing()));
    seeds.add("[[\"~:a/b\",1],0]");
    seeds.add("[\"~#ratio\",[\"~n1\",\"~n3\"]]");
    seeds.add("[\"~#point\",[1,2]]");
    seeds.add("{\"~:a\":[\"~xfoo\",\"~t2024-05-01T12:00:00.000Z\"],\"b\":{\"~#set\":[1]}}");
    seeds.add(
        "[\"~#list\",[\"~zNaN\",\"~d1.5\",\"~i9007199254740993\",\"~~esc\",\"~^esc\",\"~`esc\"]]");
    return seeds;
  }

  private static String text(Packed packed) {
    return ((Packed.Text) packed).text();
  }

  private static String mutate(String seed, List<String> seeds, Random random) {
    StringBuilder s = new StringBuilder(seed);
    int rounds = 1 + random.nextInt(3);
    for (int r = 0; r < rounds; r++) {
      int at = s.length() == 0 ? 0 : random.nextInt(s.length());
      switch (random.nextInt(7)) {
        case 0 -> {
          if (s.length() > 0) {
            s.setCharAt(at, randomChar(random));
          }
        }
        case 1 -> s.insert(at, randomChar(random));
        case 2 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
        case 3 -> {
          int end = Math.min(s.length(), at + 1 + random.nextInt(20));
          s.insert(at, s.substring(at, end));
        }
        case 4 -> s.setLength(at);
        case 5 -> {
          String other = seeds.get(random.nextInt(seeds.size()));
          int from = random.nextInt(other.length());
          s.insert(at, other, from, Math.min(other.length(), from + 1 + random.nextInt(30)));
        }
        default ->
            s.insert(at, random.nextBoolean() ? "\"^" + randomChar(random) + "\"," : "[\"~#");
      }
    }
    return s.toString();
  }

  private static char randomChar(Random random) {
    return random.nextInt(20) == 0
        ? (char) random.nextInt(0x3000)
        : ALPHABET.charAt(random.nextInt(ALPHABET.length()));
  }

  @Test
  void mutatedAndRandomFramesAreDecodedOrRejectedWithPackException() {
    Random random = new Random(20_240_501L);
    List<String> seeds = seeds();
    for (String seed : seeds) {
      assertThat(packer.unpack(Packed.text(seed))).as(seed).isNotNull();
    }
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      inputs.add(mutate(seeds.get(random.nextInt(seeds.size())), seeds, random));
    }
    for (int i = 0; i < 500; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(60);
      for (int j = 0; j < n; j++) {
        s.append(randomChar(random));
      }
      inputs.add(s.toString());
    }
    for (int i = 0; i < 20; i++) {
      inputs.add("[".repeat(1 + random.nextInt(5000)) + "\"^0\"");
    }
    int[] outcome = new int[2];
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (String input : inputs) {
            outcome[decodeOrReject(input) ? 0 : 1]++;
          }
        });
    assertThat(outcome[0]).as("decoded").isGreaterThan(100);
    assertThat(outcome[1]).as("rejected").isGreaterThan(1000);
  }

  /** True when decoded, false when rejected with a PackException; fails on anything else. */
  private boolean decodeOrReject(String input) {
    Object value;
    try {
      value = packer.unpack(Packed.text(input));
    } catch (PackException e) {
      return false;
    } catch (RuntimeException | StackOverflowError e) {
      fail("Unpacking threw " + e + " for input: " + input, e);
      return false;
    }
    try {
      packer.pack(value);
    } catch (PackException e) {
      // Decoded values such as a tagged value with a null tag rep may not pack; that is allowed.
    } catch (RuntimeException | StackOverflowError e) {
      fail("Packing the decoded value threw " + e + " for input: " + input, e);
    }
    return true;
  }
}
