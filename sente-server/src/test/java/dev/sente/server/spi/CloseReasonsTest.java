package dev.sente.server.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseReasonsTest {

  @Test
  void reasonsAreCutToWholeCharactersWithin123Bytes() {
    String reason = "x".repeat(121) + "\u20ac\u20ac";

    String cut = CloseReasons.fit(reason);

    assertThat(cut).isEqualTo("x".repeat(121));
    // a surrogate pair (4 bytes) goes whole or not at all
    assertThat(CloseReasons.fit("x".repeat(120) + "\ud83d\ude00")).isEqualTo("x".repeat(120));
    String fits = "x".repeat(119) + "\ud83d\ude00";
    assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(CloseReasons.MAX_BYTES);
    assertThat(CloseReasons.fit(fits)).isEqualTo(fits);
    assertThat(CloseReasons.fit("short")).isEqualTo("short");
    assertThat(CloseReasons.fit(null)).isEmpty();
  }
}
