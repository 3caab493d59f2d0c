package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.edn.EdnPacker;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.server.Transport;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The EDN packer on the real Jetty server over Ajax: the handshake, long-poll and POST forms
 * (docs/protocol.md, Frames; v3 and the v2 forms the server must read), text for text.
 */
class EdnAjaxWireTest extends PackerServerTestBase {

  private static final String TIMEOUT = "[:chsk/timeout nil]";
  private static final String DUMMY = "[:chsk/dummy-cb-200 nil]";
  private static final String OK = "[{:ok true} nil]";

  private static SenteServer.Builder edn() {
    return builder().packer(EdnPacker.create()).longPollTimeout(Duration.ofMillis(300));
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
  void ajaxHandshakesAreSentesExactText() {
    ServerFixture server =
        serve(
            edn()
                .handshakeData(
                    request ->
                        request.header("X-Role").isPresent()
                            ? Map.of(Keyword.of("role"), Keyword.of("admin"))
                            : null));

    RawResponse alice = server.as("alice").ajaxHandshake("c1");
    RawResponse anonymous = server.anonymous().ajaxHandshake("c2");
    RawResponse admin = server.as("alice").withHeader("X-Role", "admin").ajaxHandshake("c3");

    assertThat(alice.status()).isEqualTo(200);
    assertThat(alice.body()).isEqualTo("[[:chsk/handshake [\"alice\" nil nil]] nil]");
    assertThat(anonymous.body()).isEqualTo("[[:chsk/handshake [:sente/nil-uid nil nil]] nil]");
    assertThat(admin.body()).isEqualTo("[[:chsk/handshake [\"alice\" nil {:role :admin}]] nil]");
  }

  @Test
  void idlePollIsAnsweredWithTheTimeoutKeyword() {
    ServerFixture server = serve(edn());
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c1");

    RawResponse poll = RawHttp.join(alice.poll("c1"));

    assertThat(poll.status()).isEqualTo(200);
    assertThat(poll.body()).isEqualTo(TIMEOUT);
  }

  @Test
  void pushesInOneWindowAnswerTheHeldPollAsOneBatch() {
    ServerFixture server =
        serve(
            edn()
                .longPollTimeout(Duration.ofSeconds(20))
                .batchWindows(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c1");
    CompletableFuture<RawResponse> poll = alice.poll("c1");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    server.sente().send("alice", "chat/msg", new ChatLine("hi"));
    server.sente().send("alice", "chat/typing", "bob", true);

    assertThat(RawHttp.join(poll).body())
        .isEqualTo("[[[:chat/msg {:text \"hi\"}] [:chat/typing \"bob\"]] nil]");
  }

  @Test
  void postWithTheAjaxMarkerIsAnsweredWithTheReply() {
    ServerFixture server = serve(edn());
    OkHandler handler = new OkHandler();
    server.sente().on("chat/send", handler);

    RawResponse response = server.as("alice").send("c1", "[[:chat/send {:text \"hi\"}] :ajax]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(OK);
    EventMessage message = handler.seen.await("chat/send");
    assertThat(message.data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
    assertThat(message.wantsReply()).isTrue();
    assertThat(message.transport()).isEqualTo(Transport.AJAX);
    assertThat(message.userId()).isEqualTo("alice");
    assertThat(message.clientId()).isEqualTo("c1");
  }

  @Test
  void versionTwoPostWithTheZeroMarkerIsAnsweredWithTheReply() {
    ServerFixture server = serve(edn());
    OkHandler handler = new OkHandler();
    server.sente().on("chat/send", handler);

    RawResponse response = server.as("alice").send("c1", "[[:chat/send {:text \"hi\"}] 0]");

    assertThat(response.body()).isEqualTo(OK);
    assertThat(handler.seen.await("chat/send").data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
  }

  @Test
  void postWithoutCallbackIsAnsweredWithTheDummyReplyInBothVersions() {
    ServerFixture server = serve(edn());
    OkHandler handler = new OkHandler();
    server.sente().on("a/b", handler);
    Peer alice = server.as("alice");

    RawResponse v3 = alice.send("c1", "[[:a/b 1] nil]");
    RawResponse v2 = alice.send("c1", "[[:a/b 2]]");

    assertThat(v3.status()).isEqualTo(200);
    assertThat(v3.body()).isEqualTo(DUMMY);
    assertThat(v2.body()).isEqualTo(DUMMY);
    assertThat(handler.seen.await("a/b", 1L).wantsReply()).isFalse();
    assertThat(handler.seen.await("a/b", 2L).wantsReply()).isFalse();
  }

  @Test
  void postWhoseHandlerNeverRepliesIsAnsweredWithTheTimeoutKeyword() {
    ServerFixture server = serve(edn());

    RawResponse response = server.as("alice").send("c1", "[[:a/silent 1] :ajax]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TIMEOUT);
    assertThat(server.events().await("a/silent", 1L).wantsReply()).isTrue();
  }

  @Test
  void nonAsciiTextRoundTripsThroughTheFormAndTheUtf8Body() {
    ServerFixture server = serve(edn());
    server.sente().on("a/echo", message -> message.reply(message.data(String.class)));
    String text = "\"h\u00e9 \\\"q\\\" \\\\ \\n \u4e16 \ud83d\ude00\"";

    RawResponse response = server.as("alice").send("c1", "[[:a/echo " + text + "] :ajax]");

    assertThat(response.body()).isEqualTo("[" + text + " nil]");
    assertThat(response.header("Content-Type"))
        .hasValueSatisfying(
            type -> assertThat(type.toLowerCase(Locale.ROOT)).contains("charset=utf-8"));
  }

  @Test
  void failingHandlerAnswersThePostWithTheErrorKeyword() {
    ServerFixture server = serve(edn().onError((error, message) -> {}));
    server
        .sente()
        .on(
            "a/boom",
            message -> {
              throw new IllegalStateException("boom");
            });

    RawResponse response = server.as("alice").send("c1", "[[:a/boom 1] :ajax]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[:chsk/error nil]");
  }
}
