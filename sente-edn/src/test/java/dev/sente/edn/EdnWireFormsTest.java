package dev.sente.edn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.core.Event;
import dev.sente.core.Keyword;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every message form of the protocol (docs/protocol.md, Frames), as exact EDN wire text. */
class EdnWireFormsTest {

  record ChatLine(String text) {}

  private final EdnPacker packer = EdnPacker.create();
  private final Protocol protocol = Protocol.of(packer);

  private static String text(Packed packed) {
    return ((Packed.Text) packed).text();
  }

  @Test
  void handshakeForAUserIsSentesExactText() {
    assertThat(text(protocol.handshake(Optional.of("alice"), null)))
        .isEqualTo("[[:chsk/handshake [\"alice\" nil nil]] nil]");
  }

  @Test
  void anonymousHandshakeCarriesTheNilUidKeyword() {
    assertThat(text(protocol.handshake(Optional.empty(), null)))
        .isEqualTo("[[:chsk/handshake [:sente/nil-uid nil nil]] nil]");
  }

  @Test
  void handshakeDataIsWrittenAsAnEdnMap() {
    Map<Keyword, Keyword> data = Map.of(Keyword.of("role"), Keyword.of("admin"));
    assertThat(text(protocol.handshake(Optional.of("alice"), data)))
        .isEqualTo("[[:chsk/handshake [\"alice\" nil {:role :admin}]] nil]");
  }

  @Test
  void batchedPushIsAVectorOfEvents() {
    Packed push =
        protocol.push(
            List.of(Event.of("chat/msg", new ChatLine("hi")), Event.of("chat/typing", "bob")));
    assertThat(text(push)).isEqualTo("[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]] nil]");
  }

  @Test
  void serverPingIsTheBareKeyword() {
    assertThat(text(protocol.serverPing())).isEqualTo("[:chsk/ws-ping nil]");
  }

  @Test
  void serverPongEchoesTheCallbackId() {
    assertThat(text(protocol.pong("b71e0d"))).isEqualTo("[\"pong\" \"b71e0d\"]");
  }

  @Test
  void timeoutAndDummyReplyAreKeywordFrames() {
    assertThat(text(protocol.timeout())).isEqualTo("[:chsk/timeout nil]");
    assertThat(text(protocol.dummyReply())).isEqualTo("[:chsk/dummy-cb-200 nil]");
  }

  @Test
  void callbackRepliesCarryTheValueAndTheCallbackId() {
    Map<Keyword, Boolean> ok = Map.of(Keyword.of("ok"), true);
    assertThat(text(protocol.reply(ok, "8f3a1c"))).isEqualTo("[{:ok true} \"8f3a1c\"]");
    assertThat(text(protocol.reply(ok, null))).isEqualTo("[{:ok true} nil]");
  }

  @Test
  void clientEventsWithAndWithoutCallback() {
    Event send = Event.of("chat/send", new ChatLine("hi"));
    assertThat(text(protocol.clientEvent(send, null)))
        .isEqualTo("[[:chat/send {:text \"hi\"}] nil]");
    assertThat(text(protocol.clientEvent(send, "8f3a1c")))
        .isEqualTo("[[:chat/send {:text \"hi\"}] \"8f3a1c\"]");
    assertThat(text(protocol.clientEvent(send, protocol.ajaxMarker())))
        .isEqualTo("[[:chat/send {:text \"hi\"}] :ajax]");
  }

  @Test
  void clientPingAndPongEvents() {
    assertThat(text(protocol.clientEvent(Event.of("chsk/ws-ping"), "b71e0d")))
        .isEqualTo("[[:chsk/ws-ping] \"b71e0d\"]");
    assertThat(text(protocol.clientEvent(Event.of("chsk/ws-pong"), null)))
        .isEqualTo("[[:chsk/ws-pong] nil]");
  }

  @Test
  void v3AndV2EventFramesReadTheSame() {
    for (String wire : List.of("[[:a/b 1] nil]", "[[:a/b 1]]")) {
      Protocol.Frame frame = protocol.read(Packed.text(wire));
      assertThat(frame.hasCallback()).isFalse();
      assertThat(protocol.readEvent(frame.payload())).contains(Event.of("a/b", 1L));
    }
  }

  @Test
  void callbackIdsAndAjaxMarkersAreRead() {
    assertThat(protocol.read(Packed.text("[[:a/b 1] \"abc123\"]")).callback()).isEqualTo("abc123");
    Protocol.Frame v2Ajax = protocol.read(Packed.text("[[:a/b 1] 0]"));
    assertThat(v2Ajax.hasCallback()).isTrue();
    Protocol.Frame v3Ajax = protocol.read(Packed.text("[[:a/b 1] :ajax]"));
    assertThat(protocol.isKeyword(v3Ajax.callback(), Protocol.AJAX_MARKER)).isTrue();
  }

  @Test
  void handshakesReadInV2AndV3Forms() {
    for (String wire :
        List.of(
            "[[:chsk/handshake [\"alice\" nil]]]", "[[:chsk/handshake [\"alice\" nil nil]] nil]")) {
      Object payload = protocol.read(Packed.text(wire)).payload();
      assertThat(protocol.readHandshake(payload))
          .contains(new Protocol.Handshake(Optional.of("alice"), null));
    }
    Object anonymous =
        protocol
            .read(Packed.text("[[:chsk/handshake [:sente/nil-uid nil {:role :admin}]] nil]"))
            .payload();
    Protocol.Handshake handshake = protocol.readHandshake(anonymous).orElseThrow();
    assertThat(handshake.userId()).isEmpty();
    assertThat(handshake.data()).isEqualTo(Map.of(Keyword.of("role"), Keyword.of("admin")));
  }

  @Test
  void pushesReadInV2AndV3Forms() {
    for (String wire :
        List.of(
            "[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]] nil]",
            "[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]]]")) {
      List<Event> events = protocol.readPush(protocol.read(Packed.text(wire)).payload());
      assertThat(events).extracting(Event::id).containsExactly("chat/msg", "chat/typing");
      assertThat(packer.convert(events.get(0).data(), ChatLine.class))
          .isEqualTo(new ChatLine("hi"));
      assertThat(events.get(1).data()).isEqualTo("bob");
    }
  }

  @Test
  void serverPingAndTimeoutAreRecognisedAsKeywords() {
    Object ping = protocol.read(Packed.text("[:chsk/ws-ping nil]")).payload();
    assertThat(protocol.isKeyword(ping, Protocol.WS_PING)).isTrue();
    Object timeout = protocol.read(Packed.text("[:chsk/timeout]")).payload();
    assertThat(protocol.isKeyword(timeout, Protocol.TIMEOUT)).isTrue();
  }

  @Test
  void stringsAreNotKeywordsInEdn() {
    assertThat(packer.keywordName("chat/send")).isEmpty();
    assertThat(packer.keywordName(Keyword.of("chat/send"))).contains("chat/send");
    assertThat(protocol.readEvent(packer.read("[\"chat/send\" 1]"))).isEmpty();
  }

  @Test
  void invalidEventsAreNotEvents() {
    assertThat(protocol.readEvent(packer.read("[:no-namespace 1]"))).isEmpty();
    assertThat(protocol.readEvent("str")).isEmpty();
  }

  @Test
  void malformedFramesAreRejected() {
    assertThatThrownBy(() -> protocol.read(Packed.text("")))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("vector");
    assertThatThrownBy(() -> protocol.read(Packed.text("[[:a/b 1]")))
        .isInstanceOf(PackException.class)
        .hasMessageContaining("position 0");
  }

  @Test
  void framesAlsoArriveAsUtf8Bytes() {
    Packed binary =
        Packed.binary(
            "[[:chat/send \"h\u00e9\"] nil]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(protocol.readEvent(protocol.read(binary).payload()))
        .contains(Event.of("chat/send", "h\u00e9"));
  }

  @Test
  void packerNameIsEdnAndItIsText() {
    assertThat(packer.name()).isEqualTo("edn");
    assertThat(packer.binary()).isFalse();
  }
}
