package dev.sente.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.json.JsonPacker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The third frame element, {@code meta}, that extensions add (docs/protocol.md, "Extensions"). */
class ProtocolFrameMetaTest {

  private final Protocol protocol = Protocol.of(JsonPacker.create());

  @Test
  void aFrameWithMetaKeepsPayloadCallbackAndMeta() {
    Protocol.Frame frame =
        protocol.read(Packed.text("[[[\"x/a\",1]],null,{\"seq\":3,\"gap\":null}]"));
    assertThat(frame.payload()).isEqualTo(List.of(List.of("x/a", 1)));
    assertThat(frame.hasCallback()).isFalse();
    assertThat(frame.meta()).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<Object, Object> meta = (Map<Object, Object>) frame.meta();
    assertThat(meta).containsEntry("seq", 3).containsEntry("gap", null).hasSize(2);
  }

  @Test
  void framesWithoutMetaReadNull() {
    assertThat(protocol.read(Packed.text("[[\"x/a\",1],\"cb1\"]")).meta()).isNull();
    assertThat(protocol.read(Packed.text("[[\"x/a\",1]]")).meta()).isNull();
  }

  @Test
  void moreThanThreeElementsAreMalformed() {
    assertThatThrownBy(() -> protocol.read(Packed.text("[1,null,{},2]")))
        .isInstanceOf(PackException.class);
  }

  @Test
  void writesAHandshakeAndAPushWithMeta() {
    Map<String, Object> grant = new java.util.LinkedHashMap<>();
    grant.put("ext", List.of("resume"));
    grant.put("epoch", "Zk3q9xTb");
    grant.put("seq", 1090L);
    grant.put("recovered", false);
    grant.put("gap", null);
    assertThat(text(protocol.handshake(java.util.Optional.of("alice"), null, grant)))
        .isEqualTo(
            "[[\"chsk/handshake\",[\"alice\",null,null]],null,"
                + "{\"ext\":[\"resume\"],\"epoch\":\"Zk3q9xTb\",\"seq\":1090,"
                + "\"recovered\":false,\"gap\":null}]");
    assertThat(text(protocol.push(List.of(new Event("x/a", 1)), Map.of("seq", 7L))))
        .isEqualTo("[[[\"x/a\",1]],null,{\"seq\":7}]");
  }

  @Test
  void withoutMetaTheFramesAreThePlainOnes() {
    assertThat(text(protocol.handshake(java.util.Optional.empty(), "d", null)))
        .isEqualTo(text(protocol.handshake(java.util.Optional.empty(), "d")));
    assertThat(text(protocol.push(List.of(new Event("x/a", null)), null)))
        .isEqualTo("[[[\"x/a\"]],null]");
  }

  private static String text(Packed packed) {
    return ((Packed.Text) packed).text();
  }
}
