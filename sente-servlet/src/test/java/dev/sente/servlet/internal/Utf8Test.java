package dev.sente.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void countsTheBytesUtf8Takes() {
    String text = "a\u00e9\u20ac\ud83d\ude00";

    assertThat(Utf8.length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    // a pair split across two parts still counts four bytes
    assertThat(Utf8.length("\ud83d") + Utf8.length("\ude00")).isEqualTo(4);
  }
}
