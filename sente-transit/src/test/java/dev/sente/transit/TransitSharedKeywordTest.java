package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cognitect.transit.TransitFactory;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Symbol;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The shared {@link Keyword} and {@link Symbol} are Transit keywords and symbols in both
 * directions, as the EDN packer has them, so the same Java code gives a Sente peer the same Clojure
 * values whichever packer it uses.
 */
class TransitSharedKeywordTest {

  private final TransitPacker packer = TransitPacker.create();

  enum Mood {
    HAPPY,
    ON_HOLD
  }

  record Tagged(Keyword kind, Symbol fn) {}

  record Line(String text, Mood mood) {}

  private String write(Object value) {
    return ((Packed.Text) packer.pack(value)).text();
  }

  private Object read(String text) {
    return packer.unpack(Packed.text(text));
  }

  @Test
  void aMapWithAKeywordKeyIsAMapWithATransitKeywordKey() {
    assertThat(write(Map.of(Keyword.of("ok"), true))).isEqualTo("[\"^ \",\"~:ok\",true]");
  }

  @Test
  void keywordsAndSymbolsAreWrittenAsTransitKeywordsAndSymbols() {
    assertThat(write(List.of(Keyword.of("a/b"), Symbol.of("my.ns/f"), Keyword.of("x"))))
        .isEqualTo("[\"~:a/b\",\"~$my.ns/f\",\"~:x\"]");
    assertThat(write(Keyword.of("chsk/ws-ping"))).isEqualTo("[\"~#'\",\"~:chsk/ws-ping\"]");
    assertThat(write(new Tagged(Keyword.of("admin"), Symbol.of("f"))))
        .isEqualTo("[\"^ \",\"~:kind\",\"~:admin\",\"~:fn\",\"~$f\"]");
  }

  @Test
  void aSetOfKeywordsIsATransitSet() {
    Set<Keyword> tags = new LinkedHashSet<>(List.of(Keyword.of("tag/red"), Keyword.of("blue")));
    assertThat(write(tags)).isEqualTo("[\"~#set\",[\"~:tag/red\",\"~:blue\"]]");
  }

  @Test
  void repeatedKeywordsAndKeysAreCacheReferences() {
    assertThat(write(List.of(Keyword.of("chat/msg"), Keyword.of("chat/msg"))))
        .isEqualTo("[\"~:chat/msg\",\"^0\"]");
    assertThat(write(List.of(Map.of(Keyword.of("text"), "a"), Map.of(Keyword.of("text"), "b"))))
        .isEqualTo("[[\"^ \",\"~:text\",\"a\"],[\"^ \",\"^0\",\"b\"]]");
  }

  @Test
  void transitKeywordsAndSymbolsAreReadAsTheSharedTypes() {
    assertThat(read("[\"~:a/b\",\"~$f\",\"~:a/b\",\"^0\"]"))
        .isEqualTo(
            List.of(Keyword.of("a/b"), Symbol.of("f"), Keyword.of("a/b"), Keyword.of("a/b")));
    assertThat(read("[\"^ \",\"~:ok\",true]")).isEqualTo(Map.of(Keyword.of("ok"), true));
    assertThat(read("{\"~:ok\":\"~:yes\"}")).isEqualTo(Map.of(Keyword.of("ok"), Keyword.of("yes")));
    assertThat(read("[\"~#set\",[\"~:a\"]]")).isEqualTo(Set.of(Keyword.of("a")));
  }

  @Test
  void keywordsAndSymbolsThatClojureCannotReadAreRefused() {
    assertThatThrownBy(() -> read("[\"~:a b\"]"))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("keyword");
    assertThatThrownBy(() -> read("[\"~$nil\"]"))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("symbol");
    assertThatThrownBy(() -> packer.keyword("a b")).isInstanceOf(PackException.class);
  }

  @Test
  void theProtocolKeywordIsTheSharedKeyword() {
    assertThat(packer.keyword("chat/send")).isEqualTo(Keyword.of("chat/send"));
    assertThat(packer.keywordName(Keyword.of("chat/send"))).contains("chat/send");
    assertThat(packer.keywordName(TransitFactory.keyword("chat/send"))).contains("chat/send");
    assertThat(packer.keywordName(Symbol.of("chat/send"))).isEmpty();
    assertThat(packer.keywordName("chat/send")).isEmpty();
  }

  @Test
  void transitJavasOwnKeywordsAreStillWrittenAsKeywords() {
    assertThat(write(Map.of(TransitFactory.keyword("ok"), TransitFactory.symbol("f"))))
        .isEqualTo("[\"^ \",\"~:ok\",\"~$f\"]");
  }

  @Test
  void sharedKeywordsConvertToStringsEnumsAndRecordsAndBack() {
    assertThat(packer.<String>convert(Keyword.of("chat/send"), String.class))
        .isEqualTo("chat/send");
    assertThat(packer.<String>convert(Symbol.of("my.ns/f"), String.class)).isEqualTo("my.ns/f");
    assertThat(packer.<Mood>convert(Keyword.of("on-hold"), Mood.class)).isEqualTo(Mood.ON_HOLD);
    assertThat(packer.<Keyword>convert("a/b", Keyword.class)).isEqualTo(Keyword.of("a/b"));
    assertThat(packer.<Symbol>convert("f", Symbol.class)).isEqualTo(Symbol.of("f"));
    assertThat(
            packer.<Line>convert(
                Map.of(Keyword.of("text"), "hi", Keyword.of("mood"), Keyword.of("happy")),
                Line.class))
        .isEqualTo(new Line("hi", Mood.HAPPY));
    Tagged tagged = new Tagged(Keyword.of("admin"), Symbol.of("f"));
    assertThat(packer.<Tagged>convert(read(write(tagged)), Tagged.class)).isEqualTo(tagged);
  }

  @Test
  void theJdkValueTypesAreTheirTransitCounterparts() {
    UUID id = UUID.fromString("5a7b1c2d-0000-4000-8000-000000000001");
    assertThat(write(List.of('c', id, Instant.ofEpochMilli(1000), Set.of(1))))
        .isEqualTo(
            "[\"~cc\",\"~u5a7b1c2d-0000-4000-8000-000000000001\",\"~m1000\",[\"~#set\",[1]]]");
  }
}
