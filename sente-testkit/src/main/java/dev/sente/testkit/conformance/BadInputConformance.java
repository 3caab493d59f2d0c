package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance: bad input from one client. An unparseable frame is dropped and the connection stays
 * usable; a parseable payload that is not an event arrives as {@code chsk/bad-event}; input over
 * the size limit is refused (close 1009, HTTP 413) and nothing else is disturbed.
 */
public abstract class BadInputConformance extends ConformanceTestBase {

  private static final String DUMMY = "[\"chsk/dummy-cb-200\",null]";

  /** Sends a valid event with a callback and expects the reply: the socket is still usable. */
  private static void assertStillUsable(RawWebSocket ws, String callbackId) {
    ws.send("[[\"a/echo\",\"" + callbackId + "\"],\"" + callbackId + "\"]");
    assertThat(ws.nextFrame()).isEqualTo("[\"" + callbackId + "\",\"" + callbackId + "\"]");
    assertThat(ws.isOpen()).isTrue();
  }

  private static ServerFixture echoServer(ServerFixture server) {
    server.sente().on("a/echo", message -> message.reply(message.data().orElse(null)));
    return server;
  }

  @Test
  void unparseableFramesAreDroppedAndTheConnectionStaysUsable() {
    ServerFixture server = echoServer(serve(builder()));
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("this is not json");
    ws.send("[[\"a/b\",1]");
    ws.send("");
    assertStillUsable(ws, "ok0001");

    assertThat(server.events().count("chsk/bad-event"))
        .as("unparseable frames are dropped, not delivered: " + server.events().describe())
        .isZero();
  }

  @Test
  void framesThatAreNotAFrameVectorLeaveTheConnectionUsable() {
    ServerFixture server = echoServer(serve(builder()));
    RawWebSocket ws = server.as("alice").connect("c1");

    for (String frame : List.of("{\"a\":1}", "42", "\"str\"", "null", "[]", "[1,2,3,4,5]")) {
      ws.send(frame);
    }

    assertStillUsable(ws, "ok0002");
  }

  @Test
  void payloadsThatAreNotEventsArriveAsBadEvent() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[1,2],null]");
    ws.send("[[\"a/b\",1,2],null]");
    ws.send("[{\"x\":1},null]");
    ws.send("[[],null]");

    server.events().await("chsk/bad-event", List.of(1, 2));
    server.events().await("chsk/bad-event", List.of("a/b", 1, 2));
    server.events().await("chsk/bad-event", Map.of("x", 1));
    server.events().await("chsk/bad-event", List.of());
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void deeplyNestedFrameIsRejectedAndTheConnectionStaysUsable() {
    ServerFixture server = echoServer(serve(builder()));
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[".repeat(20_000) + "]".repeat(20_000));
    ws.send("[[\"a/deep\"," + "[".repeat(5_000) + "]".repeat(5_000) + "],null]");

    assertStillUsable(ws, "ok0003");
    assertThat(server.events().count("a/deep")).isZero();
  }

  @Test
  void oversizedFrameClosesThatSocketWith1009Only() {
    ServerFixture server = echoServer(serve(builder().maxMessageBytes(4096)));
    RawWebSocket big = server.as("alice").connect("c1");
    RawWebSocket other = server.as("bob").connect("c2");

    big.send("[[\"a/big\",\"" + "x".repeat(8192) + "\"],null]");

    assertThat(big.awaitClose()).isEqualTo(1009);
    assertStillUsable(other, "ok0004");
    assertThat(server.events().count("a/big")).isZero();
  }

  @Test
  void frameJustUnderTheLimitIsAccepted() {
    ServerFixture server = echoServer(serve(builder().maxMessageBytes(4096)));
    RawWebSocket ws = server.as("alice").connect("c1");
    String data = "y".repeat(3000);

    ws.send("[[\"a/echo\",\"" + data + "\"],\"cb0005\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"" + data + "\",\"cb0005\"]");
  }

  @Test
  void oversizedPostIsRefused413AndTheServerStaysUsable() {
    ServerFixture server = serve(builder().maxMessageBytes(4096));
    Peer alice = server.as("alice");

    RawResponse big = alice.send("c3", "[[\"a/big\",\"" + "x".repeat(8192) + "\"],null]");
    RawResponse small = alice.send("c3", "[[\"a/small\",1],null]");

    assertThat(big.status()).isEqualTo(413);
    assertThat(small.body()).isEqualTo(DUMMY);
    server.events().await("a/small", 1);
    assertThat(server.events().count("a/big")).isZero();
  }

  @Test
  void malformedPostBodiesAreRefusedAsClientErrorsAndTheServerStaysUsable() {
    ServerFixture server = serve(builder());
    Peer alice = server.as("alice");

    RawResponse notJson = alice.send("c3", "this is not json");
    RawResponse noPpstr = alice.post(RawHttp.form("client-id", "c3", "udt", "3"));
    RawResponse notAFrame = alice.send("c3", "{\"a\":1}");
    RawResponse fine = alice.send("c3", "[[\"a/fine\",1],null]");

    for (RawResponse response : List.of(notJson, noPpstr, notAFrame)) {
      assertThat(response.status()).as(response.toString()).isBetween(200, 499);
    }
    assertThat(fine.body()).isEqualTo(DUMMY);
    server.events().await("a/fine", 1);
  }

  @Test
  void postedPayloadThatIsNotAnEventArrivesAsBadEvent() {
    ServerFixture server = serve(builder());

    RawResponse response = server.as("alice").send("c3", "[\"str\",null]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(DUMMY);
    assertThat(server.events().await("chsk/bad-event", "str").clientId()).isEqualTo("c3");
  }
}
