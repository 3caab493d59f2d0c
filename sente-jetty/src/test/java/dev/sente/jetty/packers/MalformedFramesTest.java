package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Keyword;
import dev.sente.edn.EdnPacker;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import dev.sente.transit.TransitPacker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Malformed EDN and Transit sent to the real Jetty server: over WebSocket an unreadable frame is
 * dropped and the connection stays usable, a readable payload that is not an event arrives as
 * {@code chsk/bad-event}; over Ajax an unreadable {@code ppstr} is refused with 400. Never a hang,
 * a stack overflow or a closed connection.
 */
class MalformedFramesTest extends PackerServerTestBase {

  private static final String EDN_ALICE = "[[:chsk/handshake [\"alice\" nil nil]] nil]";
  private static final String TRANSIT_ALICE = "[[\"~:chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String DEEP_100K = "[".repeat(100_000) + "]".repeat(100_000);
  private static final String DIGITS_20K = "9".repeat(20_000);

  private boolean transit;

  @Override
  protected String clientPing(String callbackId) {
    return transit
        ? "[[\"~:chsk/ws-ping\"],\"" + callbackId + "\"]"
        : "[[:chsk/ws-ping] \"" + callbackId + "\"]";
  }

  @Override
  protected String pong(String callbackId) {
    return transit ? "[\"pong\",\"" + callbackId + "\"]" : "[\"pong\" \"" + callbackId + "\"]";
  }

  private ServerFixture ednServer() {
    transit = false;
    return echo(serve(builder().packer(EdnPacker.create())));
  }

  private ServerFixture transitServer() {
    transit = true;
    return echo(serve(builder().packer(TransitPacker.create())));
  }

  private static ServerFixture echo(ServerFixture server) {
    server.sente().on("a/echo", message -> message.reply(message.data().orElse(null)));
    return server;
  }

  // ---- EDN over WebSocket

  @Test
  void unreadableEdnFramesAreDroppedAndTheSocketStaysUsable() {
    ServerFixture server = ednServer();
    assertDroppedAndStillUsable(
        server,
        open(server.as("alice"), "c1", EDN_ALICE),
        List.of(
            "[[:a/b 1] nil",
            "[[:a/b #foo/bar 1] nil]",
            "[[:a/b " + DEEP_100K + "] nil]",
            DEEP_100K,
            "[[:a/b " + DIGITS_20K + "] nil]",
            "[[:a/b 1] nil] trailing",
            "[[:a/b \"unterminated] nil]",
            "{:not \"a frame\"}",
            ""),
        "[[:a/echo \"still here\"] \"ok0001\"]",
        "[\"still here\" \"ok0001\"]");
  }

  /**
   * Sends the unreadable frames, then an echo request: only the echo's reply comes back, no event
   * is dispatched for them, and the socket stays open.
   */
  private static void assertDroppedAndStillUsable(
      ServerFixture server,
      RawWebSocket ws,
      List<String> unreadable,
      String echo,
      String expectedReply) {
    unreadable.forEach(ws::send);
    ws.send(echo);

    assertThat(ws.nextFrame()).isEqualTo(expectedReply);
    assertThat(ws.isOpen()).isTrue();
    assertThat(server.events().count("a/b")).isZero();
    assertThat(server.events().count("chsk/bad-event"))
        .as("unreadable frames are dropped: " + server.events().describe())
        .isZero();
  }

  @Test
  void readableEdnPayloadsThatAreNotEventsArriveAsBadEvent() {
    ServerFixture server = ednServer();
    RawWebSocket ws = open(server.as("alice"), "c1", EDN_ALICE);

    ws.send("[[1 2] nil]");
    ws.send("[[\"chat/send\" 1] nil]");
    ws.send("[[:no-namespace 1] nil]");
    ws.send("[[:a/b 1 2] nil]");
    ws.send("[[:a/echo " + "9".repeat(30) + "] \"ok0002\"]");

    assertThat(ws.nextFrame()).isEqualTo("[" + "9".repeat(30) + "N \"ok0002\"]");
    server.events().await("chsk/bad-event", List.of(1L, 2L));
    server.events().await("chsk/bad-event", List.of("chat/send", 1L));
    server.events().await("chsk/bad-event", List.of(Keyword.of("no-namespace"), 1L));
    server.events().await("chsk/bad-event", List.of(Keyword.of("a/b"), 1L, 2L));
    assertThat(server.events().count("chat/send")).isZero();
    assertThat(ws.isOpen()).isTrue();
  }

  // ---- Transit over WebSocket

  @Test
  void unreadableTransitFramesAreDroppedAndTheSocketStaysUsable() {
    ServerFixture server = transitServer();
    assertDroppedAndStillUsable(
        server,
        open(server.as("alice"), "c1", TRANSIT_ALICE),
        List.of(
            "[[\"~:a/b\",1],null",
            "[[\"^7\",1],null]",
            "[[\"~:a/b\"," + DEEP_100K + "],null]",
            DEEP_100K,
            "[[\"~:a/b\"," + DIGITS_20K + "],null]",
            "[[\"~:a/b\",1],null] trailing",
            "[[\"~:a/b\",\"unterminated],null]",
            "[\"~#set\"]",
            ""),
        "[[\"~:a/echo\",\"still here\"],\"ok0001\"]",
        "[\"still here\",\"ok0001\"]");
  }

  @Test
  void transitPayloadsThatAreNotEventsArriveAsBadEventAndUnknownTagsAreKept() {
    ServerFixture server = transitServer();
    RawWebSocket ws = open(server.as("alice"), "c1", TRANSIT_ALICE);

    ws.send("[[1,2],null]");
    ws.send("[[\"chat/send\",1],null]");
    ws.send("[[\"~:a/echo\",[\"~#point\",[1,2]]],\"ok0002\"]");

    assertThat(ws.nextFrame())
        .as("an unknown tag is kept and written back, as Transit's specification asks")
        .isEqualTo("[[\"~#point\",[1,2]],\"ok0002\"]");
    server.events().await("chsk/bad-event", List.of(1L, 2L));
    server.events().await("chsk/bad-event", List.of("chat/send", 1L));
    assertThat(ws.isOpen()).isTrue();
  }

  // ---- Ajax

  @Test
  void unreadableEdnPostsAreRefusedWith400AndTheServerStaysUsable() {
    assertRefusedAndStillUsable(
        ednServer(),
        List.of(
            "[[:a/b 1] :ajax",
            "[[:a/b #foo/bar 1] :ajax]",
            "[[:a/b " + DEEP_100K + "] :ajax]",
            "[[:a/b " + DIGITS_20K + "] :ajax]",
            "{:not \"a frame\"}"),
        "[[1 2] nil]",
        "[:chsk/dummy-cb-200 nil]",
        "[[:a/echo \"still here\"] :ajax]",
        "[\"still here\" nil]");
  }

  @Test
  void unreadableTransitPostsAreRefusedWith400AndTheServerStaysUsable() {
    assertRefusedAndStillUsable(
        transitServer(),
        List.of(
            "[[\"~:a/b\",1],\"~:ajax\"",
            "[[\"^7\",1],\"~:ajax\"]",
            "[[\"~:a/b\"," + DEEP_100K + "],\"~:ajax\"]",
            "[[\"~:a/b\"," + DIGITS_20K + "],\"~:ajax\"]",
            "{\"not\":\"a frame\"}"),
        "[[1,2],null]",
        "[\"~:chsk/dummy-cb-200\",null]",
        "[[\"~:a/echo\",\"still here\"],\"~:ajax\"]",
        "[\"still here\",null]");
  }

  /**
   * Posts each unreadable ppstr (400 each), then the readable non-event {@code [[1 2] nil]} (the
   * dummy reply; a {@code chsk/bad-event} carrying {@code [1 2]}) and an echo request (its reply).
   */
  private static void assertRefusedAndStillUsable(
      ServerFixture server,
      List<String> unreadable,
      String wrongShapePpstr,
      String dummyReply,
      String echo,
      String expectedReply) {
    Peer alice = server.as("alice");
    for (String ppstr : unreadable) {
      RawResponse response = alice.send("c1", ppstr);
      assertThat(response.status())
          .as(ppstr.substring(0, Math.min(40, ppstr.length())))
          .isEqualTo(400);
    }
    RawResponse wrongShape = alice.send("c1", wrongShapePpstr);
    RawResponse fine = alice.send("c1", echo);

    assertThat(wrongShape.status()).isEqualTo(200);
    assertThat(wrongShape.body()).isEqualTo(dummyReply);
    server.events().await("chsk/bad-event", List.of(1L, 2L));
    assertThat(fine.body()).isEqualTo(expectedReply);
    assertThat(server.events().count("a/b")).isZero();
  }
}
