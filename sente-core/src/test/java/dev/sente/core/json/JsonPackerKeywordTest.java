package dev.sente.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.core.Packed;
import dev.sente.core.Symbol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON has no keywords: the JSON packer writes a {@link Keyword} or {@link Symbol} as its name, the
 * same string its {@code keyword(..)} uses for Sente's own keywords, as a value and as a map key.
 */
class JsonPackerKeywordTest {

  record Tagged(Keyword kind, Symbol fn) {}

  private static String write(JsonPacker packer, Object value) {
    return ((Packed.Text) packer.pack(value)).text();
  }

  @Test
  void keywordsAndSymbolsAreWrittenAsTheirNames() {
    JsonPacker packer = JsonPacker.create();

    assertThat(write(packer, Map.of(Keyword.of("ok"), true))).isEqualTo("{\"ok\":true}");
    assertThat(write(packer, List.of(Keyword.of("chat/send"), Symbol.of("my.ns/f"))))
        .isEqualTo("[\"chat/send\",\"my.ns/f\"]");
    assertThat(write(packer, Map.of(Symbol.of("f"), Keyword.of("a/b"))))
        .isEqualTo("{\"f\":\"a/b\"}");
    assertThat(write(packer, new Tagged(Keyword.of("admin"), Symbol.of("f"))))
        .isEqualTo("{\"kind\":\"admin\",\"fn\":\"f\"}");
    assertThat(write(packer, packer.keyword("chat/send"))).isEqualTo("\"chat/send\"");
  }

  @Test
  void theApplicationsOwnMapperWritesThemAsNamesToo() {
    JsonPacker packer = JsonPacker.create(JsonMapper.builder().build());

    assertThat(write(packer, Map.of(Keyword.of("ok"), List.of(Keyword.of("a")))))
        .isEqualTo("{\"ok\":[\"a\"]}");
  }

  @Test
  void namesConvertBackToKeywordsAndSymbols() {
    JsonPacker packer = JsonPacker.create();
    Object read = packer.unpack(packer.pack(new Tagged(Keyword.of("admin"), Symbol.of("f"))));

    assertThat(packer.<Tagged>convert(read, Tagged.class))
        .isEqualTo(new Tagged(Keyword.of("admin"), Symbol.of("f")));
    assertThat(packer.<Keyword>convert("a/b", Keyword.class)).isEqualTo(Keyword.of("a/b"));
  }
}
