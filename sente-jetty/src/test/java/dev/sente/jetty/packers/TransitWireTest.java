package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import dev.sente.transit.TransitPacker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The Transit packer on the real Jetty server, on WebSocket and on Ajax: the handshakes, a batched
 * push with its cache reference and the other wire forms (docs/protocol.md, Frames and Packers) in
 * Transit JSON, text for text.
 */
class TransitWireTest extends PackerServerTestBase {

  private static final String ALICE_HANDSHAKE =
      "[[\"~:chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String ANONYMOUS_HANDSHAKE =
      "[[\"~:chsk/handshake\",[\"~:sente/nil-uid\",null,null]],null]";
  private static final String BATCH = "[[[\"~:chat/msg\",\"a\"],[\"^0\",\"b\"]],null]";
  private static final String OK = "[[\"^ \",\"~:ok\",true],null]";

  private static SenteServer.Builder transit() {
    return builder().packer(TransitPacker.create()).longPollTimeout(Duration.ofMillis(300));
  }

  @Override
  protected String clientPing(String callbackId) {
    return "[[\"~:chsk/ws-ping\"],\"" + callbackId + "\"]";
  }

  @Override
  protected String pong(String callbackId) {
    return "[\"pong\",\"" + callbackId + "\"]";
  }

  // ---- WebSocket

  @Test
  void webSocketHandshakesAreTheReferenceTransitText() {
    ServerFixture server =
        serve(
            transit()
                .handshakeData(
                    request ->
                        request.header("X-Role").isPresent()
                            ? Map.of(Keyword.of("role"), Keyword.of("admin"))
                            : null));

    RawWebSocket alice = server.as("alice").webSocket("client-id=c1");
    RawWebSocket anonymous = server.anonymous().webSocket("client-id=c2");
    RawWebSocket admin = server.as("alice").withHeader("X-Role", "admin").webSocket("client-id=c3");

    assertThat(alice.nextFrame()).isEqualTo(ALICE_HANDSHAKE);
    assertThat(anonymous.nextFrame()).isEqualTo(ANONYMOUS_HANDSHAKE);
    assertThat(admin.nextFrame())
        .isEqualTo(
            "[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:role\",\"~:admin\"]]],null]");
  }

  @Test
  void batchedWebSocketPushRepeatsTheEventIdAsACacheReference() {
    ServerFixture server =
        serve(transit().batchWindows(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    server.sente().send("alice", "chat/msg", "a");
    server.sente().send("alice", "chat/msg", "b", true);

    assertThat(ws.nextFrame()).isEqualTo(BATCH);
  }

  @Test
  void pushOfARecordIsATransitMapWithKeywordKeys() {
    ServerFixture server = serve(transit());
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    server.sente().send("alice", "chat/msg", new ChatLine("hi"), true);

    assertThat(ws.nextFrame()).isEqualTo("[[[\"~:chat/msg\",[\"^ \",\"~:text\",\"hi\"]]],null]");
  }

  @Test
  void serverPingClientPongAndClientPingInTransit() {
    ServerFixture server =
        serve(transit().keepAlive(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(2000)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    assertThat(ws.nextFrame()).isEqualTo("[\"~:chsk/ws-ping\",null]");
    ws.send("[[\"~:chsk/ws-pong\"],null]");
    server.events().await("chsk/ws-pong");
    ws.send("[[\"~:chsk/ws-ping\"],\"b71e0d\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"b71e0d\"]");
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void webSocketEventsReachTheHandlerAsTypedDataAndTheCallbackGetsTheReply() {
    ServerFixture server = serve(transit());
    OkHandler handler = new OkHandler();
    server.sente().on("chat/send", handler);
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],null]");
    ws.send("[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],\"8f3a1c\"]");
    ws.send("[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]]]");

    assertThat(ws.nextFrame()).isEqualTo("[[\"^ \",\"~:ok\",true],\"8f3a1c\"]");
    eventually().until(() -> handler.seen.all().size() == 3);
    for (EventMessage message : handler.seen.all()) {
      assertThat(message.id()).isEqualTo("chat/send");
      assertThat(message.data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
    }
    assertThat(handler.seen.all())
        .extracting(EventMessage::wantsReply)
        .containsExactly(false, true, false);
  }

  @Test
  void cacheReferencesInsideAClientFrameAreResolved() {
    ServerFixture server = serve(transit());
    server.sente().on("a/echo", message -> message.reply(message.data().orElse(null)));
    RawWebSocket ws = open(server.as("alice"), "c1", ALICE_HANDSHAKE);

    ws.send("[[\"~:a/echo\",[[\"^ \",\"~:text\",\"a\"],[\"^ \",\"^1\",\"b\"]]],\"cb0001\"]");

    assertThat(ws.nextFrame())
        .isEqualTo("[[[\"^ \",\"~:text\",\"a\"],[\"^ \",\"^0\",\"b\"]],\"cb0001\"]");
    assertThat(server.events().count("chsk/bad-event")).isZero();
  }

  // ---- Ajax

  @Test
  void ajaxHandshakesAreTheReferenceTransitText() {
    ServerFixture server = serve(transit());

    assertThat(server.as("alice").ajaxHandshake("c1").body()).isEqualTo(ALICE_HANDSHAKE);
    assertThat(server.anonymous().ajaxHandshake("c2").body()).isEqualTo(ANONYMOUS_HANDSHAKE);
  }

  @Test
  void idlePollIsAnsweredWithTheTimeoutKeyword() {
    ServerFixture server = serve(transit());
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c1");

    assertThat(RawHttp.join(alice.poll("c1")).body()).isEqualTo("[\"~:chsk/timeout\",null]");
  }

  @Test
  void batchedAjaxPushRepeatsTheEventIdAsACacheReference() {
    ServerFixture server =
        serve(
            transit()
                .longPollTimeout(Duration.ofSeconds(20))
                .batchWindows(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c1");
    CompletableFuture<RawResponse> poll = alice.poll("c1");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    server.sente().send("alice", "chat/msg", "a");
    server.sente().send("alice", "chat/msg", "b", true);

    assertThat(RawHttp.join(poll).body()).isEqualTo(BATCH);
  }

  @Test
  void ajaxPostsInTransitGetTheReplyTheDummyOrTheTimeout() {
    ServerFixture server = serve(transit());
    OkHandler handler = new OkHandler();
    server.sente().on("chat/send", handler);
    Peer alice = server.as("alice");

    RawResponse v3 = alice.send("c1", "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],\"~:ajax\"]");
    RawResponse v2 = alice.send("c1", "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],0]");
    RawResponse noCallback =
        alice.send("c1", "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],null]");
    RawResponse v2NoCallback = alice.send("c1", "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]]]");
    RawResponse silent = alice.send("c1", "[[\"~:a/silent\",1],\"~:ajax\"]");

    assertThat(v3.body()).isEqualTo(OK);
    assertThat(v2.body()).isEqualTo(OK);
    assertThat(noCallback.body()).isEqualTo("[\"~:chsk/dummy-cb-200\",null]");
    assertThat(v2NoCallback.body()).isEqualTo("[\"~:chsk/dummy-cb-200\",null]");
    assertThat(silent.body()).isEqualTo("[\"~:chsk/timeout\",null]");
    eventually().until(() -> handler.seen.all().size() == 4);
    assertThat(handler.seen.all())
        .extracting(m -> m.data(ChatLine.class))
        .containsOnly(new ChatLine("hi"));
    assertThat(handler.seen.all())
        .extracting(EventMessage::wantsReply)
        .containsExactly(true, true, false, false);
    assertThat(server.events().await("a/silent", 1L).data()).contains(1L);
    assertThat(List.of(v3, v2, noCallback, v2NoCallback, silent))
        .extracting(RawResponse::status)
        .containsOnly(200);
  }
}
