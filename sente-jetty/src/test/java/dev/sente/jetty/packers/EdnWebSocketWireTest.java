package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.edn.EdnPacker;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.server.Transport;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The EDN packer on the real Jetty server over WebSocket: every WebSocket form (docs/protocol.md,
 * Frames), text for text, as a real Sente (ClojureScript) client sees and writes it.
 */
class EdnWebSocketWireTest extends PackerServerTestBase {

  private static final String ALICE_HANDSHAKE = "[[:chsk/handshake [\"alice\" nil nil]] nil]";

  private static SenteServer.Builder edn() {
    return builder().packer(EdnPacker.create());
  }

  @Override
  protected String clientPing(String callbackId) {
    return "[[:chsk/ws-ping] \"" + callbackId + "\"]";
  }

  @Override
  protected String pong(String callbackId) {
    return "[\"pong\" \"" + callbackId + "\"]";
  }

  @Test
  void handshakeOfAUserIsSentesExactText() {
    ServerFixture server = serve(edn());

    RawWebSocket ws = server.as("alice").webSocket("client-id=c1");

    assertThat(ws.nextFrame()).isEqualTo(ALICE_HANDSHAKE);
  }

  @Test
  void anonymousHandshakeCarriesTheNilUidKeyword() {
    ServerFixture server = serve(edn());

    RawWebSocket ws = server.anonymous().webSocket("client-id=c1");

    assertThat(ws.nextFrame()).isEqualTo("[[:chsk/handshake [:sente/nil-uid nil nil]] nil]");
  }

  @Test
  void handshakeDataIsWrittenAsAnEdnMap() {
    ServerFixture server =
        serve(edn().handshakeData(request -> Map.of(Keyword.of("role"), Keyword.of("admin"))));

    RawWebSocket ws = server.as("alice").webSocket("client-id=c1");

    assertThat(ws.nextFrame()).isEqualTo("[[:chsk/handshake [\"alice\" nil {:role :admin}]] nil]");
  }

  @Test
  void pushesInOneWindowGoOutAsOneBatchOfEvents() {
    ServerFixture server = serve(edn().batchWindows(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    assertThat(server.sente().send("alice", "chat/msg", new ChatLine("hi"))).isTrue();
    assertThat(server.sente().send("alice", "chat/typing", "bob", true)).isTrue();

    assertThat(ws.nextFrame())
        .isEqualTo("[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]] nil]");
  }

  @Test
  void idleSocketIsPingedWithTheBareKeywordAndThePongCounts() {
    ServerFixture server =
        serve(edn().keepAlive(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(600)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    assertThat(ws.nextFrame()).isEqualTo("[:chsk/ws-ping nil]");
    ws.send("[[:chsk/ws-pong] nil]");

    assertThat(server.events().await("chsk/ws-pong").userId()).isEqualTo("alice");
    assertThat(ws.nextFrame()).as("pinged again, not closed").isEqualTo("[:chsk/ws-ping nil]");
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void clientPingIsAnsweredWithPongAndItsCallbackId() {
    ServerFixture server = serve(edn());
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[:chsk/ws-ping] \"b71e0d\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\" \"b71e0d\"]");
    assertThat(server.events().await("chsk/ws-ping").transport()).isEqualTo(Transport.WEBSOCKET);
  }

  @Test
  void clientEventsReachTheHandlerAsTypedDataAndACallbackGetsTheReply() {
    ServerFixture server = serve(edn());
    OkHandler handler = new OkHandler();
    server.sente().on("chat/send", handler);
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[:chat/send {:text \"hi\"}] nil]");
    ws.send("[[:chat/send {:text \"hi\"}] \"8f3a1c\"]");

    assertThat(ws.nextFrame())
        .as("the first event wanted no reply, so the first frame is the second's")
        .isEqualTo("[{:ok true} \"8f3a1c\"]");
    assertThat(handler.seen.all()).hasSize(2);
    EventMessage noCallback = handler.seen.all().get(0);
    EventMessage withCallback = handler.seen.all().get(1);
    assertThat(noCallback.id()).isEqualTo("chat/send");
    assertThat(noCallback.data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
    assertThat(noCallback.data()).contains(Map.of(Keyword.of("text"), "hi"));
    assertThat(noCallback.wantsReply()).isFalse();
    assertThat(noCallback.userId()).isEqualTo("alice");
    assertThat(noCallback.clientId()).isEqualTo("c1");
    assertThat(withCallback.wantsReply()).isTrue();
    assertThat(withCallback.data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
  }

  @Test
  void versionTwoFrameWithoutTheCallbackElementIsRead() {
    ServerFixture server = serve(edn());
    OkHandler handler = new OkHandler();
    server.sente().on("a/b", handler);
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[:a/b 1]]");
    ws.send("[[:a/b 2] \"cb0002\"]");

    assertThat(ws.nextFrame()).isEqualTo("[{:ok true} \"cb0002\"]");
    EventMessage v2 = handler.seen.await("a/b", 1L);
    assertThat(v2.wantsReply()).isFalse();
    assertThat(v2.data(Integer.class)).isEqualTo(1);
  }

  @Test
  void replyValuesOfAnyShapeAreWrittenAsEdn() {
    ServerFixture server = serve(edn());
    server
        .sente()
        .on("a/echo", message -> message.reply(message.data().orElse(null)))
        .on("a/kw", message -> message.reply(Keyword.of("x/y")));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[:a/echo #{1} ] \"cb0001\"]");
    ws.send("[[:a/echo [\"s\" \\c 1.5 nil true :k]] \"cb0002\"]");
    ws.send("[[:a/kw] \"cb0003\"]");

    assertThat(ws.nextFrame()).isEqualTo("[#{1} \"cb0001\"]");
    assertThat(ws.nextFrame()).isEqualTo("[[\"s\" \\c 1.5 nil true :k] \"cb0002\"]");
    assertThat(ws.nextFrame()).isEqualTo("[:x/y \"cb0003\"]");
  }

  @Test
  void failingHandlerAndUnpackableReplyAnswerTheCallbackWithTheErrorKeyword() {
    ServerFixture server = serve(edn().onError((error, message) -> {}));
    server
        .sente()
        .on(
            "a/boom",
            message -> {
              throw new IllegalStateException("boom");
            })
        .on("a/opaque", message -> message.reply(new Object()));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[:a/boom 1] \"cb0001\"]");
    ws.send("[[:a/opaque 1] \"cb0002\"]");

    assertThat(ws.nextFrame()).isEqualTo("[:chsk/error \"cb0001\"]");
    assertThat(ws.nextFrame()).isEqualTo("[:chsk/error \"cb0002\"]");
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void nonAsciiTextAndEscapesRoundTripExactly() {
    ServerFixture server = serve(edn());
    server.sente().on("a/echo", message -> message.reply(message.data(String.class)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);
    String text = "\"h\u00e9 \\\"q\\\" \\\\ \\n \u4e16 \ud83d\ude00\"";

    ws.send("[[:a/echo " + text + "] \"cb0001\"]");

    assertThat(ws.nextFrame()).isEqualTo("[" + text + " \"cb0001\"]");
    assertThat(server.events().count("chsk/bad-event")).isZero();
  }

  /** A value with EDN's tagged types. */
  public record Meeting(UUID id, Instant at, Set<String> tags) {}

  @Test
  void taggedEdnValuesReachTheHandlerAsJavaTypesAndAreWrittenAsClojurePrintsThem() {
    ServerFixture server = serve(edn());
    List<Meeting> seen = new CopyOnWriteArrayList<>();
    server
        .sente()
        .on(
            "a/meet",
            message -> {
              Meeting meeting = message.data(Meeting.class);
              seen.add(meeting);
              message.reply(meeting);
            });
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);
    String uuid = "#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"";
    String inst = "#inst \"2024-01-02T03:04:05.006-00:00\"";

    ws.send("[[:a/meet {:id " + uuid + ", :at " + inst + ", :tags #{\"x\"}}] \"cb0001\"]");

    assertThat(ws.nextFrame())
        .isEqualTo("[{:id " + uuid + ", :at " + inst + ", :tags #{\"x\"}} \"cb0001\"]");
    assertThat(seen)
        .containsExactly(
            new Meeting(
                UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
                Instant.parse("2024-01-02T03:04:05.006Z"),
                Set.of("x")));
  }
}
