package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.core.Symbol;
import dev.sente.edn.EdnPacker;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawWebSocket;
import dev.sente.transit.TransitPacker;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The README's examples for Clojure users, on both of Sente's text packers, on the real Jetty
 * server: the same Java code gives a real Sente client the same Clojure values, {@code {:ok true}}
 * in EDN and {@code ["^ ","~:ok",true]} in Transit; keywords read from either arrive as the same
 * {@code Keyword}.
 */
class ClojureExamplesWireTest extends PackerServerTestBase {

  private static final String EDN_ALICE = "[[:chsk/handshake [\"alice\" nil nil]] nil]";
  private static final String TRANSIT_ALICE = "[[\"~:chsk/handshake\",[\"alice\",null,null]],null]";

  @Override
  protected String clientPing(String callbackId) {
    return "[[:chsk/ws-ping] \"" + callbackId + "\"]";
  }

  @Override
  protected String pong(String callbackId) {
    return "[\"pong\" \"" + callbackId + "\"]";
  }

  private static SenteServer.Builder edn() {
    return builder().packer(EdnPacker.create());
  }

  private static SenteServer.Builder transit() {
    return builder().packer(TransitPacker.create());
  }

  /** The README's handler: {@code msg.reply(Map.of(Keyword.of("ok"), true))}. */
  private static ServerFixture okServer(ServerFixture server) {
    server.sente().on("chat/send", msg -> msg.reply(Map.of(Keyword.of("ok"), true)));
    return server;
  }

  // ---- the reply of the README's handler: the cljs callback gets {:ok true}

  @Test
  void ednReplyOfAKeywordMapIsOkTrueOnWebSocketAndAjax() {
    ServerFixture server = okServer(serve(edn()));
    RawWebSocket ws = open(server.as("alice"), "c1", EDN_ALICE);

    ws.send("[[:chat/send {:text \"hi\"}] \"8f3a1c\"]");

    assertThat(ws.nextFrame()).isEqualTo("[{:ok true} \"8f3a1c\"]");
    assertThat(server.as("alice").send("c2", "[[:chat/send {:text \"hi\"}] :ajax]").body())
        .isEqualTo("[{:ok true} nil]");
  }

  @Test
  void transitReplyOfAKeywordMapIsOkTrueOnWebSocketAndAjax() {
    ServerFixture server = okServer(serve(transit()));
    RawWebSocket ws = open(server.as("alice"), "c1", TRANSIT_ALICE);

    ws.send("[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],\"8f3a1c\"]");

    assertThat(ws.nextFrame()).isEqualTo("[[\"^ \",\"~:ok\",true],\"8f3a1c\"]");
    assertThat(
            server
                .as("alice")
                .send("c2", "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\"]],\"~:ajax\"]")
                .body())
        .isEqualTo("[[\"^ \",\"~:ok\",true],null]");
  }

  // ---- handshake data with keywords

  @Test
  void ednHandshakeDataWithKeywords() {
    ServerFixture server =
        serve(edn().handshakeData(request -> Map.of(Keyword.of("role"), Keyword.of("admin"))));

    assertThat(server.as("alice").webSocket("client-id=c1").nextFrame())
        .isEqualTo("[[:chsk/handshake [\"alice\" nil {:role :admin}]] nil]");
    assertThat(server.as("alice").ajaxHandshake("c2").body())
        .isEqualTo("[[:chsk/handshake [\"alice\" nil {:role :admin}]] nil]");
  }

  @Test
  void transitHandshakeDataWithKeywords() {
    ServerFixture server =
        serve(transit().handshakeData(request -> Map.of(Keyword.of("role"), Keyword.of("admin"))));

    assertThat(server.as("alice").webSocket("client-id=c1").nextFrame())
        .isEqualTo(
            "[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:role\",\"~:admin\"]]],null]");
    assertThat(server.as("alice").ajaxHandshake("c2").body())
        .isEqualTo(
            "[[\"~:chsk/handshake\",[\"alice\",null,[\"^ \",\"~:role\",\"~:admin\"]]],null]");
  }

  // ---- pushed sets of keywords, keyword and symbol values

  private static Set<Object> tags() {
    Set<Object> tags = new LinkedHashSet<>();
    tags.add(Keyword.of("tag/red"));
    tags.add(Keyword.of("blue"));
    return tags;
  }

  @Test
  void ednPushOfKeywordsSetsAndSymbols() {
    ServerFixture server = serve(edn());
    RawWebSocket ws = open(server.as("alice"), "c1", EDN_ALICE);

    // one push at a time: two pushes appended before the socket's drain reads may share a frame
    server.sente().send("alice", "chat/tags", tags(), true);
    assertThat(ws.nextFrame()).isEqualTo("[[[:chat/tags #{:tag/red :blue}]] nil]");
    server.sente().send("alice", "chat/kw", List.of(Keyword.of("a/b"), Symbol.of("my.ns/f")), true);
    assertThat(ws.nextFrame()).isEqualTo("[[[:chat/kw [:a/b my.ns/f]]] nil]");
  }

  @Test
  void transitPushOfKeywordsSetsAndSymbols() {
    ServerFixture server = serve(transit());
    RawWebSocket ws = open(server.as("alice"), "c1", TRANSIT_ALICE);

    // one push at a time: two pushes appended before the socket's drain reads may share a frame
    server.sente().send("alice", "chat/tags", tags(), true);
    assertThat(ws.nextFrame())
        .isEqualTo("[[[\"~:chat/tags\",[\"~#set\",[\"~:tag/red\",\"~:blue\"]]]],null]");
    server.sente().send("alice", "chat/kw", List.of(Keyword.of("a/b"), Symbol.of("my.ns/f")), true);
    assertThat(ws.nextFrame()).isEqualTo("[[[\"~:chat/kw\",[\"~:a/b\",\"~$my.ns/f\"]]],null]");
  }

  // ---- reading: ids are plain strings, keywords in data are the same Keyword on both packers

  private static List<EventMessage> recordAll(ServerFixture server) {
    List<EventMessage> seen = new CopyOnWriteArrayList<>();
    server.sente().on("chat/send", seen::add);
    return seen;
  }

  private static void assertReadAsTheSharedKeyword(List<EventMessage> seen) {
    assertThat(seen).hasSize(1);
    EventMessage msg = seen.get(0);
    assertThat(msg.id()).isEqualTo("chat/send");
    assertThat(msg.data(ChatLine.class)).isEqualTo(new ChatLine("hi"));
    assertThat(msg.data())
        .contains(
            Map.of(
                Keyword.of("text"),
                "hi",
                Keyword.of("mood"),
                Keyword.of("mood/happy"),
                Keyword.of("sym"),
                Symbol.of("f")));
  }

  @Test
  void ednClientEventReadsIdAsStringAndKeywordsAsKeyword() {
    ServerFixture server = serve(edn());
    List<EventMessage> seen = recordAll(server);
    RawWebSocket ws = open(server.as("alice"), "c1", EDN_ALICE);

    ws.send("[[:chat/send {:text \"hi\", :mood :mood/happy, :sym f}] nil]");

    eventually().until(() -> seen.size() == 1);
    assertReadAsTheSharedKeyword(seen);
  }

  @Test
  void transitClientEventReadsIdAsStringAndKeywordsAsKeyword() {
    ServerFixture server = serve(transit());
    List<EventMessage> seen = recordAll(server);
    RawWebSocket ws = open(server.as("alice"), "c1", TRANSIT_ALICE);

    ws.send(
        "[[\"~:chat/send\",[\"^ \",\"~:text\",\"hi\",\"~:mood\",\"~:mood/happy\",\"~:sym\",\"~$f\"]],null]");

    eventually().until(() -> seen.size() == 1);
    assertReadAsTheSharedKeyword(seen);
  }
}
