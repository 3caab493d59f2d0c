package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;

import com.cognitect.transit.TaggedValue;
import com.cognitect.transit.WriteHandler;
import dev.sente.core.Keyword;
import dev.sente.core.Packed;
import dev.sente.edn.EdnList;
import dev.sente.edn.EdnPacker;
import dev.sente.edn.Ratio;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The EDN packer's own value types are written as their Transit counterparts, not as maps of their
 * record components: an application that reads values with the EDN packer and sends them with the
 * Transit packer (or switches packers) gives a Sente peer the same Clojure values.
 */
class TransitEdnValuesTest {

  private final TransitPacker packer = TransitPacker.create();

  private String write(Object value) {
    return ((Packed.Text) packer.pack(value)).text();
  }

  private Object read(String text) {
    return packer.unpack(Packed.text(text));
  }

  @Test
  void anEdnTaggedValueIsATransitTaggedValue() {
    String text = write(List.of(new dev.sente.edn.TaggedValue("my/point", List.of(1, 2))));

    assertThat(text).isEqualTo("[[\"~#my/point\",[1,2]]]");
    TaggedValue<?> back = (TaggedValue<?>) ((List<?>) read(text)).get(0);
    assertThat(back.getTag()).isEqualTo("my/point");
    assertThat(back.getRep()).isEqualTo(List.of(1L, 2L));
  }

  @Test
  void anEdnRatioIsATransitRatio() {
    String text = write(List.of(Ratio.of(1, 3), Ratio.of(-2, 4)));

    assertThat(text).isEqualTo("[[\"~#ratio\",[\"~n1\",\"~n3\"]],[\"^0\",[\"~n-1\",\"~n2\"]]]");
    com.cognitect.transit.Ratio third = (com.cognitect.transit.Ratio) ((List<?>) read(text)).get(0);
    assertThat(third.getNumerator()).isEqualTo(BigInteger.ONE);
    assertThat(third.getDenominator()).isEqualTo(BigInteger.valueOf(3));
  }

  @Test
  void anEdnListIsATransitList() {
    assertThat(write(Map.of(Keyword.of("l"), EdnList.of(1, Keyword.of("a")))))
        .isEqualTo("[\"^ \",\"~:l\",[\"~#list\",[1,\"~:a\"]]]");
    assertThat(write(EdnList.of())).isEqualTo("[\"~#list\",[]]");
  }

  @Test
  void whatTheEdnPackerReadsTheTransitPackerWritesAsTheSameClojureValue() {
    EdnPacker edn = EdnPacker.create();
    Object value = edn.read("{:ok true, :tags #{:a/b}, :f my.ns/f, :l (1 2), :r 1/2}");

    assertThat(write(value))
        .isEqualTo(
            "[\"^ \",\"~:ok\",true,\"~:tags\",[\"~#set\",[\"~:a/b\"]],\"~:f\",\"~$my.ns/f\","
                + "\"~:l\",[\"~#list\",[1,2]],\"~:r\",[\"~#ratio\",[\"~n1\",\"~n2\"]]]");
  }

  @Test
  void anApplicationHandlerStillTakesPrecedence() {
    WriteHandler<Object, Object> asString =
        new WriteHandler<>() {
          @Override
          public String tag(Object o) {
            return "s";
          }

          @Override
          public Object rep(Object o) {
            return "third";
          }

          @Override
          public String stringRep(Object o) {
            return "third";
          }

          @Override
          public <V> WriteHandler<Object, V> getVerboseHandler() {
            return null;
          }
        };
    TransitPacker custom = TransitPacker.builder().writeHandler(Ratio.class, asString).build();

    assertThat(((Packed.Text) custom.pack(List.of(Ratio.of(1, 3)))).text())
        .isEqualTo("[\"third\"]");
  }
}
