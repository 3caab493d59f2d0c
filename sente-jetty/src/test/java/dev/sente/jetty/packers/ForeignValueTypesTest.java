package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cognitect.transit.TransitFactory;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.edn.EdnPacker;
import dev.sente.transit.TransitPacker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A value type of one packer's library handed to the other packer: written as the same Clojure
 * value where there is one, refused with a clear error otherwise, never written as a map of its
 * fields. Both packers are on this module's test class path.
 */
class ForeignValueTypesTest {

  private final EdnPacker edn = EdnPacker.create();
  private final TransitPacker transit = TransitPacker.create();

  @Test
  void theEdnPackerRefusesTransitJavasKeywordsAndSymbolsAndNamesTheSharedType() {
    for (Object value :
        List.of(
            Map.of(TransitFactory.keyword("ok"), true),
            List.of(TransitFactory.symbol("f")),
            TransitFactory.taggedValue("point", List.of(1, 2)))) {
      assertThatThrownBy(() -> edn.pack(value))
          .isInstanceOf(PackException.class)
          .hasMessageContaining("com.cognitect.transit")
          .hasMessageContaining("dev.sente.core.Keyword");
    }
  }

  @Test
  void whatTheTransitPackerReadsTheEdnPackerWritesAsTheSameClojureValue() {
    Object read =
        transit.unpack(
            Packed.text(
                "[\"^ \",\"~:ok\",true,\"~:tags\",[\"~#set\",[\"~:a/b\"]],\"~:f\",\"~$g\"]"));

    assertThat(edn.write(read)).isEqualTo("{:ok true, :tags #{:a/b}, :f g}");
    assertThat(edn.write(Map.of(Keyword.of("ok"), true))).isEqualTo("{:ok true}");
  }
}
