package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.EventMessage;
import dev.sente.server.Transport;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Conformance: events a WebSocket client sends: delivery to handlers, callback replies {@code
 * [value,cb]}, invalid events as {@code chsk/bad-event}, client pings answered {@code ["pong",cb]},
 * v2 frames without the callback element.
 */
public abstract class WebSocketEventConformance extends ConformanceTestBase {

  /** Data of a test event, converted by the packer. */
  public record Line(String text, int n) {}

  @Test
  void eventWithoutCallbackReachesItsHandler() {
    ServerFixture server = serve(builder());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\",1],null]");

    EventMessage message = handled.await("a/b");
    assertThat(message.id()).isEqualTo("a/b");
    assertThat(message.data()).contains(1);
    assertThat(message.wantsReply()).isFalse();
    assertThat(message.userId()).isEqualTo("alice");
    assertThat(message.clientId()).isEqualTo("c1");
    assertThat(message.transport()).isEqualTo(Transport.WEBSOCKET);
    assertThat(message.request().path()).isEqualTo("/chsk");
    assertThat(message.request().header(ServerFixture.USER_HEADER)).contains("alice");
    assertThat(message.reply("unwanted")).isFalse();
    ws.send("[[\"chsk/ws-ping\"],\"m1m1m1\"]");
    assertThat(ws.nextFrame())
        .as("no reply frame before the marker")
        .isEqualTo("[\"pong\",\"m1m1m1\"]");
  }

  @Test
  void versionTwoFrameWithoutCallbackElementIsAccepted() {
    ServerFixture server = serve(builder());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\",2]]");

    EventMessage message = handled.await("a/b");
    assertThat(message.data()).contains(2);
    assertThat(message.wantsReply()).isFalse();
  }

  @Test
  void eventWithoutDataHasNone() {
    ServerFixture server = serve(builder());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\"],null]");

    assertThat(handled.await("a/b").data()).isEmpty();
  }

  @Test
  void eventWithCallbackIsAnsweredWithTheCallbackId() {
    ServerFixture server = serve(builder());
    server.sente().on("a/b", message -> message.reply(Map.of("ok", 1)));
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\",1],\"x1y2z3\"]");
    assertThat(ws.nextFrame()).isEqualTo("[{\"ok\":1},\"x1y2z3\"]");

    ws.send("[[\"a/b\",1],\"abc123\"]");
    assertThat(ws.nextFrame()).isEqualTo("[{\"ok\":1},\"abc123\"]");
  }

  @Test
  void onlyTheFirstReplyIsSent() {
    ServerFixture server = serve(builder());
    List<Boolean> results = new CopyOnWriteArrayList<>();
    server
        .sente()
        .on(
            "a/b",
            message -> {
              results.add(message.wantsReply());
              results.add(message.reply(1));
              results.add(message.reply(2));
            });
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\",1],\"cb1111\"]");
    assertThat(ws.nextFrame()).isEqualTo("[1,\"cb1111\"]");
    ws.send("[[\"chsk/ws-ping\"],\"m1m1m1\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"m1m1m1\"]");
    // the reply leaves inside the handler, before it records the later calls
    eventually().untilAsserted(() -> assertThat(results).containsExactly(true, true, false));
  }

  @Test
  void dataIsConvertedByThePacker() {
    ServerFixture server = serve(builder());
    server.sente().on("a/line", message -> message.reply(message.data(Line.class).n() + 1));
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/line\",{\"text\":\"hi\",\"n\":41}],\"cb2222\"]");

    assertThat(ws.nextFrame()).isEqualTo("[42,\"cb2222\"]");
  }

  @Test
  void invalidEventsArriveAsBadEventCarryingTheOriginalValue() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"no-namespace\",1],null]");
    ws.send("[\"str\",null]");

    EventMessage noNamespace = server.events().await("chsk/bad-event", List.of("no-namespace", 1));
    EventMessage string = server.events().await("chsk/bad-event", "str");
    assertThat(noNamespace.userId()).isEqualTo("alice");
    assertThat(noNamespace.clientId()).isEqualTo("c1");
    assertThat(string.clientId()).isEqualTo("c1");
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void clientPingIsAnsweredWithPongAndReported() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"chsk/ws-ping\"],\"p1p1p1\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"p1p1p1\"]");
    eventually()
        .untilAsserted(
            () ->
                assertThat(server.events().all("chsk/ws-ping"))
                    .as("the ready ping and this one")
                    .hasSize(2));
    EventMessage ping = server.events().all("chsk/ws-ping").get(1);
    assertThat(ping.clientId()).isEqualTo("c1");
    assertThat(ping.userId()).isEqualTo("alice");
    assertThat(ping.data()).isEmpty();
  }

  @Test
  void eventsOfOneConnectionAreHandledInOrder() {
    ServerFixture server = serve(builder());
    List<Object> order = new CopyOnWriteArrayList<>();
    server.sente().on("a/n", message -> order.add(message.data().orElseThrow()));
    RawWebSocket ws = server.as("alice").connect("c1");

    List<Object> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ws.send("[[\"a/n\"," + i + "],null]");
      expected.add(i);
    }

    eventually().untilAsserted(() -> assertThat(order).hasSize(50));
    assertThat(order).isEqualTo(expected);
  }

  @Test
  void eventsGoToTheirOwnHandlerAndTheRestToTheCatchAll() {
    ServerFixture server = serve(builder());
    EventRecorder own = new EventRecorder();
    server.sente().on("a/b", own);
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/b\",1],null]");
    ws.send("[[\"a/other\",2],null]");

    server.events().await("a/other", 2);
    own.await("a/b", 1);
    assertThat(server.events().count("a/b")).isZero();
    assertThat(own.count("a/other")).isZero();
  }

  @Test
  void repliesGoOnlyToTheAskingConnection() {
    ServerFixture server = serve(builder());
    server.sente().on("a/b", message -> message.reply(message.clientId()));
    Peer alice = server.as("alice");
    RawWebSocket first = alice.connect("c1");
    RawWebSocket second = alice.connect("c2");

    IntStream.range(0, 3).forEach(i -> second.send("[[\"a/b\",1],\"cb000" + i + "\"]"));
    first.send("[[\"a/b\",1],\"cb9999\"]");

    assertThat(first.nextFrame()).isEqualTo("[\"c1\",\"cb9999\"]");
    assertThat(second.nextFrame()).isEqualTo("[\"c2\",\"cb0000\"]");
    assertThat(second.nextFrame()).isEqualTo("[\"c2\",\"cb0001\"]");
    assertThat(second.nextFrame()).isEqualTo("[\"c2\",\"cb0002\"]");
    assertThat(first.pollFrame()).isEmpty();
  }
}
