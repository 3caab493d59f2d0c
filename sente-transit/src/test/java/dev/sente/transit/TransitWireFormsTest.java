package dev.sente.transit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cognitect.transit.TransitFactory;
import dev.sente.core.Event;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every Sente wire form (docs/protocol.md, Frames), written and read in Transit JSON. */
class TransitWireFormsTest {

  private final TransitPacker packer = TransitPacker.create();
  private final Protocol protocol = Protocol.of(packer);

  record ChatLine(String text, int n) {}

  private static String text(Packed packed) {
    return ((Packed.Text) packed).text();
  }

  @Test
  void handshakeForAUserIsTheReferenceText() {
    assertThat(text(protocol.handshake(Optional.of("alice"), null)))
        .isEqualTo("[[\"~:chsk/handshake\",[\"alice\",null,null]],null]");
  }

  @Test
  void anonymousHandshakeCarriesTheNilUidKeyword() {
    assertThat(text(protocol.handshake(Optional.empty(), null)))
        .isEqualTo("[[\"~:chsk/handshake\",[\"~:sente/nil-uid\",null,null]],null]");
  }

  @Test
  void handshakeDataIsAMapWithKeywordKeys() {
    Map<Keyword, Object> data = Map.of(Keyword.of("v"), 1);
    assertThat(text(protocol.handshake(Optional.of("alice"), data)))
        .isEqualTo("[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:v\",1]]],null]");
    Map<Object, Object> transitJava = Map.of(TransitFactory.keyword("v"), 1);
    assertThat(text(protocol.handshake(Optional.of("alice"), transitJava)))
        .isEqualTo("[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:v\",1]]],null]");
  }

  @Test
  void batchedPushRepeatsTheEventIdAsACacheReference() {
    Packed push = protocol.push(List.of(Event.of("chat/msg", "a"), Event.of("chat/msg", "b")));
    assertThat(text(push)).isEqualTo("[[[\"~:chat/msg\",\"a\"],[\"^0\",\"b\"]],null]");
  }

  @Test
  void pushOfARecordWritesAMapWithKeywordKeys() {
    Packed push = protocol.push(List.of(Event.of("chat/msg", new ChatLine("hi", 3))));
    assertThat(text(push))
        .isEqualTo("[[[\"~:chat/msg\",[\"^ \",\"~:text\",\"hi\",\"~:n\",3]]],null]");
  }

  @Test
  void serverPingIsABareKeyword() {
    assertThat(text(protocol.serverPing())).isEqualTo("[\"~:chsk/ws-ping\",null]");
  }

  @Test
  void timeoutAndDummyReplyAreBareKeywords() {
    assertThat(text(protocol.timeout())).isEqualTo("[\"~:chsk/timeout\",null]");
    assertThat(text(protocol.dummyReply())).isEqualTo("[\"~:chsk/dummy-cb-200\",null]");
  }

  @Test
  void pongAnswersWithTheCallbackId() {
    assertThat(text(protocol.pong("b71e0d"))).isEqualTo("[\"pong\",\"b71e0d\"]");
  }

  @Test
  void repliesCarryTheirValueAndCallbackId() {
    assertThat(text(protocol.reply(new ChatLine("ok", 1), "b71e0d")))
        .isEqualTo("[[\"^ \",\"~:text\",\"ok\",\"~:n\",1],\"b71e0d\"]");
    assertThat(text(protocol.keywordReply(Protocol.ERROR, "b71e0d")))
        .isEqualTo("[\"~:chsk/error\",\"b71e0d\"]");
  }

  @Test
  void clientEventWithACallbackIdOrTheAjaxMarker() {
    Event send = Event.of("chat/send", Map.of("text", "hi"));
    assertThat(text(protocol.clientEvent(send, "b71e0d")))
        .isEqualTo("[[\"~:chat/send\",[\"^ \",\"text\",\"hi\"]],\"b71e0d\"]");
    assertThat(text(protocol.clientEvent(send, protocol.ajaxMarker())))
        .isEqualTo("[[\"~:chat/send\",[\"^ \",\"text\",\"hi\"]],\"~:ajax\"]");
    assertThat(text(protocol.clientEvent(Event.of("chat/ping"), null)))
        .isEqualTo("[[\"~:chat/ping\"],null]");
  }

  @Test
  void readsAV3ClientEventWithTheAjaxMarker() {
    Protocol.Frame frame =
        protocol.read(Packed.text("[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],\"~:ajax\"]"));
    assertThat(protocol.isKeyword(frame.callback(), Protocol.AJAX_MARKER)).isTrue();
    Event event = protocol.readEvent(frame.payload()).orElseThrow();
    assertThat(event.id()).isEqualTo("chat/send");
    assertThat(packer.convert(event.data(), ChatLine.class)).isEqualTo(new ChatLine("hi", 0));
  }

  @Test
  void readsV2FramesWithoutAndWithTheNumericCallbackMarker() {
    Protocol.Frame bare = protocol.read(Packed.text("[[\"~:a/b\",1]]"));
    assertThat(bare.hasCallback()).isFalse();
    assertThat(protocol.readEvent(bare.payload())).contains(new Event("a/b", 1L));

    Protocol.Frame withCb = protocol.read(Packed.text("[[\"~:a/b\",1],0]"));
    assertThat(withCb.hasCallback()).isTrue();
    assertThat(withCb.callback()).isEqualTo(0L);
    assertThat(protocol.readEvent(withCb.payload())).contains(new Event("a/b", 1L));
  }

  @Test
  void readsHandshakesForAUserAndForAnonymous() {
    Protocol.Frame named =
        protocol.read(
            Packed.text("[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:v\",1]]],null]"));
    Protocol.Handshake hs = protocol.readHandshake(named.payload()).orElseThrow();
    assertThat(hs.userId()).contains("alice");
    assertThat(hs.data()).isEqualTo(Map.of(Keyword.of("v"), 1L));

    Protocol.Frame anonymous =
        protocol.read(Packed.text("[[\"~:chsk/handshake\",[\"~:sente/nil-uid\",null,null]],null]"));
    assertThat(protocol.readHandshake(anonymous.payload()).orElseThrow().userId()).isEmpty();
  }

  @Test
  void readsABatchedPushWithCacheReferences() {
    Protocol.Frame frame =
        protocol.read(Packed.text("[[[\"~:chat/msg\",\"a\"],[\"^0\",\"b\"]],null]"));
    assertThat(protocol.readPush(frame.payload()))
        .containsExactly(new Event("chat/msg", "a"), new Event("chat/msg", "b"));
  }

  @Test
  void readsPingTimeoutAndPongForms() {
    assertThat(protocol.isKeyword(protocol.read(protocol.serverPing()).payload(), Protocol.WS_PING))
        .isTrue();
    assertThat(protocol.isKeyword(protocol.read(protocol.timeout()).payload(), Protocol.TIMEOUT))
        .isTrue();
    Protocol.Frame pong = protocol.read(Packed.text("[\"pong\",\"b71e0d\"]"));
    assertThat(pong.payload()).isEqualTo("pong");
    assertThat(pong.callback()).isEqualTo("b71e0d");
  }

  @Test
  void eventIdsMustBeKeywordsNotStrings() {
    assertThat(protocol.readEvent(List.of("chat/msg", "a"))).isEmpty();
    assertThat(packer.keywordName("chat/msg")).isEmpty();
    assertThat(packer.keywordName(null)).isEmpty();
    assertThat(packer.keywordName(packer.keyword("chat/msg"))).contains("chat/msg");
    assertThat(packer.keywordName(packer.keyword("ajax"))).contains("ajax");
  }

  @Test
  void aPushElementThatIsNotAnEventIsRejected() {
    Object payload = protocol.read(Packed.text("[[[\"chat/msg\",\"a\"]],null]")).payload();
    assertThatThrownBy(() -> protocol.readPush(payload)).isInstanceOf(PackException.class);
  }

  @Test
  void anEmptyKeywordNameIsRejected() {
    assertThatThrownBy(() -> packer.keyword("")).isInstanceOf(PackException.class);
  }

  @Test
  void theNameIsTransitJsonAndFramesAreText() {
    assertThat(packer.name()).isEqualTo("transit-json");
    assertThat(packer.binary()).isFalse();
    assertThat(packer.pack(List.of())).isInstanceOf(Packed.Text.class);
  }
}
