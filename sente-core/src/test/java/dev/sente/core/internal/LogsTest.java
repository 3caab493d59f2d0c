package dev.sente.core.internal;

import static dev.sente.core.internal.Logs.safe;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogsTest {

  @Test
  void plainTextIsKeptAsItIs() {
    String text = "client-42 (user alice): chat/send élan 日本";
    assertThat(safe(text)).isSameAs(text);
  }

  @Test
  void lineBreaksAndTabsAreEscaped() {
    assertThat(safe("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
    assertThat(safe("x\r\n[main] ERROR forged")).isEqualTo("x\\r\\n[main] ERROR forged");
  }

  @Test
  void theBackslashIsEscapedSoThatEscapesAreUnambiguous() {
    assertThat(safe("a\\nb")).isEqualTo("a\\\\nb");
    assertThat(safe("a\\nb")).isNotEqualTo(safe("a\nb"));
  }

  @Test
  void otherControlCharactersAreWrittenAsUnicodeEscapes() {
    assertThat(safe("\u0000\u0007\u001b[31m\u007f")).isEqualTo("\\u0000\\u0007\\u001b[31m\\u007f");
    assertThat(safe("a\u0085b\u009bc")).isEqualTo("a\\u0085b\\u009bc");
    assertThat(safe("a\u2028b\u2029c")).isEqualTo("a\\u2028b\\u2029c");
  }

  @Test
  void bidirectionalControlsAreEscaped() {
    assertThat(safe("a\u202eb\u2066c\u200fd\u061ce"))
        .isEqualTo("a\\u202eb\\u2066c\\u200fd\\u061ce");
  }

  @Test
  void noControlCharacterOfAnyKindSurvives() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0xa0; c++) {
      all.append(c);
    }
    String escaped = safe(all.toString().substring(0, 150));
    assertThat(escaped.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
  }

  @Test
  void longValuesAreCutAndTheRestCounted() {
    assertThat(safe("x".repeat(200))).isEqualTo("x".repeat(200));
    assertThat(safe("x".repeat(250))).isEqualTo("x".repeat(200) + "...(50 more)");
    assertThat(safe("\n".repeat(1000))).isEqualTo("\\n".repeat(200) + "...(800 more)");
  }

  @Test
  void aSurrogatePairIsNeverCutInTwo() {
    String text = "x".repeat(199) + "\ud83d\ude00" + "tail";
    assertThat(safe(text)).isEqualTo("x".repeat(199) + "...(6 more)");
  }

  @Test
  void nullAndObjectsUseTheirText() {
    assertThat(safe(null)).isEqualTo("null");
    assertThat(safe(java.util.List.of("a\nb", 1))).isEqualTo("[a\\nb, 1]");
  }
}
