package dev.sente.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryStringTest {

  @Test
  void decodesPlusPercentAndRepeatedNamesInOrder() {
    Map<String, List<String>> query =
        QueryString.decode("client-id=c1&handshake%3F=1&q=a+b%20c&q=%C3%A9&flag&&x=");

    assertThat(query.keySet()).containsExactly("client-id", "handshake?", "q", "flag", "x");
    assertThat(query.get("q")).containsExactly("a b c", "é");
    assertThat(query.get("flag")).containsExactly("");
    assertThat(query.get("x")).containsExactly("");
  }

  @Test
  void takesCharactersBeyondAsciiAsTheyAre() {
    assertThat(QueryString.decode("name=\u00e9\ud83d\ude00").get("name"))
        .containsExactly("\u00e9\ud83d\ude00");
  }

  @Test
  void refusesBadEscapesAndBytesThatAreNotUtf8() {
    assertThatThrownBy(() -> QueryString.decode("client-id=%ZZ"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QueryString.decode("a=%4"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QueryString.decode("a=%C3%28"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyOrMissingQueryHasNoParameters() {
    assertThat(QueryString.decode(null)).isEmpty();
    assertThat(QueryString.decode("")).isEmpty();
  }
}
