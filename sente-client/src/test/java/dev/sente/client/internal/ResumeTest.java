package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Recovery;
import dev.sente.client.Transport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The resume extension on the client (docs/protocol.md, "Extensions / Resume"): asked for by
 * default, used only when the handshake grants it; the cursor on every reconnect and poll,
 * duplicates dropped, the outcome of every later open reported.
 */
class ResumeTest {

  static String granted(String epoch, long seq, String extra) {
    return "[[\"chsk/handshake\",[\"alice\",null,null]],null,{\"ext\":[\"resume\"],\"epoch\":\""
        + epoch
        + "\",\"seq\":"
        + seq
        + extra
        + "}]";
  }

  static String push(long seq, String... events) {
    return "[[" + String.join(",", events) + "],null,{\"seq\":" + seq + "}]";
  }

  private static Map<String, Object> report(boolean recovered, Long gap) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("recovered", recovered);
    if (!recovered) {
      data.put("gap", gap);
    }
    return data;
  }

  private static List<Object> dataOf(Fixture f, String id) {
    return f.events.stream()
        .filter(e -> e.id().equals(id))
        .map(e -> e.data().orElse(null))
        .toList();
  }

  private static Optional<Recovery> recovery(Fixture f) {
    assertThat(f.client.state()).isInstanceOf(ClientState.Open.class);
    return ((ClientState.Open) f.client.state()).recovery();
  }

  /** Opens a WebSocket whose handshake grants resume at (E1, 10). */
  private static FakeWire.FakeSocket openGranted(Fixture f) {
    f.client.connect();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(granted("E1", 10, ""));
    return socket;
  }

  private static FakeWire.FakeSocket reconnect(Fixture f, FakeWire.FakeSocket socket) {
    socket.serverClose(1006);
    f.time.advance(0);
    return f.wire.nextSocket().accept();
  }

  @Test
  void theClientAsksForResumeOnTheWebSocketUrlWithoutACursorAtFirst() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      f.client.connect();
      String query = f.wire.nextSocket().uri.getRawQuery();
      assertThat(query)
          .matches(
              java.util.regex.Pattern.quote("client-id=c1&ext=resume")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
    }
  }

  @Test
  void onAjaxEveryGetAndPostAsksForResume() {
    try (Fixture f = new Fixture(Transport.AJAX)) {
      f.client.connect();
      FakeWire.FakeExchange handshake = f.wire.nextExchange();
      assertThat(handshake.query()).contains("ext=resume").doesNotContain("&epoch=");
      handshake.respond(200, Fixture.HANDSHAKE);
      assertThat(f.wire.nextExchange().query()).contains("ext=resume");
      f.client.send("a/b", 1);
      FakeWire.FakeExchange post = f.wire.nextExchange();
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.query()).isEqualTo("ext=resume");
    }
  }

  @Test
  void resumeFalseAsksForNothing() {
    try (Fixture f = new Fixture(Transport.AUTO, b -> b.resume(false))) {
      f.client.connect();
      assertThat(f.wire.nextSocket().uri.getRawQuery()).isEqualTo("client-id=c1");
    }
    try (Fixture f = new Fixture(Transport.AJAX, b -> b.resume(false))) {
      f.client.connect();
      FakeWire.FakeExchange handshake = f.wire.nextExchange();
      assertThat(handshake.query()).doesNotContain("ext=");
      handshake.respond(200, granted("E1", 10, ""));
      assertThat(f.wire.nextExchange().query()).doesNotContain("ext=").doesNotContain("seq=");
      f.client.send("a/b", 1);
      assertThat(f.wire.nextExchange().query()).isNull();
    }
  }

  @Test
  void aServerThatDoesNotGrantResumeGetsExactlyToday() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = f.openWebSocket();
      socket.receive(push(1, "[\"x/a\",1]")); // a meta the client was not granted: ignored
      socket.receive(push(1, "[\"x/a\",1]"));
      FakeWire.FakeSocket second = reconnect(f, socket);
      assertThat(second.uri.getRawQuery())
          .matches(
              java.util.regex.Pattern.quote("client-id=c1&ext=resume")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      second.receive(Fixture.HANDSHAKE);

      assertThat(f.takeEventIds())
          .containsExactly("chsk/handshake", "x/a", "x/a", "chsk/handshake");
      assertThat(recovery(f)).isEmpty();
      assertThat(f.states)
          .filteredOn(s -> s instanceof ClientState.Open)
          .allSatisfy(s -> assertThat(((ClientState.Open) s).recovery()).isEmpty());
    }
  }

  @Test
  void theFirstOpenReportsNothing() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      openGranted(f);
      assertThat(f.takeEventIds()).containsExactly("chsk/handshake");
      assertThat(recovery(f)).isEmpty();
    }
  }

  @Test
  void eventsAtOrBelowTheCursorAreDroppedTheRestDeliveredInOrder() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = openGranted(f);
      f.events.clear();
      socket.receive(push(12, "[\"x/a\",11]", "[\"x/b\",12]"));
      socket.receive(push(13, "[\"x/b\",12]", "[\"x/c\",13]"));
      socket.receive(push(11, "[\"x/a\",11]"));
      socket.receive(push(10, "[\"x/z\",10]"));
      socket.receive(push(14, "[\"x/d\",14]"));

      assertThat(f.events)
          .extracting(IncomingEvent::id)
          .containsExactly("x/a", "x/b", "x/c", "x/d");
    }
  }

  @Test
  void aReconnectSendsTheCursorAndReportsRecoveredOnlyWhenTheServerSaysSo() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = openGranted(f);
      socket.receive(push(13, "[\"x/a\",11]", "[\"x/b\",12]", "[\"x/c\",13]"));
      FakeWire.FakeSocket second = reconnect(f, socket);
      assertThat(second.uri.getRawQuery())
          .matches(
              java.util.regex.Pattern.quote("client-id=c1&ext=resume&epoch=E1&seq=13")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      f.events.clear();

      second.receive(granted("E1", 13, ",\"recovered\":true"));
      second.receive(push(14, "[\"x/d\",14]"));

      assertThat(f.takeEventIds()).containsExactly("chsk/handshake", "chsk/recovery", "x/d");
      assertThat(recovery(f)).contains(new Recovery.Recovered());
      assertThat(f.states)
          .last()
          .isEqualTo(
              new ClientState.Open(
                  Optional.of("alice"),
                  Transport.WEBSOCKET,
                  Optional.empty(),
                  false,
                  Optional.of(new Recovery.Recovered())));
      FakeWire.FakeSocket third = reconnect(f, second);
      assertThat(third.uri.getRawQuery()).contains("&epoch=E1&seq=14");
    }
  }

  @Test
  void aGapWithACountIsReportedAndTheCursorMovesToTheServersSeq() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket second = reconnect(f, openGranted(f));
      f.events.clear();
      second.receive(granted("E1", 90, ",\"recovered\":false,\"gap\":48"));
      second.receive(push(90, "[\"x/old\",90]"));
      second.receive(push(91, "[\"x/new\",91]"));

      assertThat(f.events)
          .extracting(IncomingEvent::id)
          .containsExactly("chsk/handshake", "chsk/recovery", "x/new");
      assertThat(dataOf(f, "chsk/recovery")).containsExactly(report(false, 48L));
      assertThat(recovery(f)).contains(new Recovery.Gap(OptionalLong.of(48)));
    }
  }

  @Test
  void anUnknownGapOfANewEpochIsReportedAndTheNewEpochIsUsed() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket second = reconnect(f, openGranted(f));
      f.events.clear();
      second.receive(granted("E2", 3, ",\"recovered\":false,\"gap\":null"));

      assertThat(dataOf(f, "chsk/recovery")).containsExactly(report(false, null));
      assertThat(recovery(f)).contains(new Recovery.Gap(OptionalLong.empty()));
      assertThat(reconnect(f, second).uri.getRawQuery()).contains("&epoch=E2&seq=3");
    }
  }

  @Test
  void aGrantedReopenWithoutAVerdictIsAnUnknownGapNeverRecovered() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket second = reconnect(f, f.openWebSocket()); // not granted: no cursor
      second.receive(granted("E1", 50, ""));
      assertThat(recovery(f)).contains(new Recovery.Gap(OptionalLong.empty()));
      assertThat(dataOf(f, "chsk/recovery")).containsExactly(report(false, null));
    }
  }

  @Test
  void aGapInsideASessionIsReportedTheSameWay() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET)) {
      FakeWire.FakeSocket socket = openGranted(f);
      f.events.clear();
      socket.receive("[[],null,{\"seq\":20,\"gap\":5}]");
      socket.receive(push(21, "[\"x/a\",21]"));

      assertThat(f.events).extracting(IncomingEvent::id).containsExactly("chsk/recovery", "x/a");
      assertThat(dataOf(f, "chsk/recovery")).containsExactly(report(false, 5L));
      assertThat(recovery(f)).contains(new Recovery.Gap(OptionalLong.of(5)));
    }
  }

  @Test
  void onAjaxTheHandshakeAndEveryPollCarryTheCursorAndAResentAnswerIsDropped() {
    try (Fixture f = new Fixture(Transport.AJAX)) {
      f.client.connect();
      f.wire.nextExchange().respond(200, granted("E1", 10, ""));
      FakeWire.FakeExchange poll = f.wire.nextExchange();
      assertThat(poll.query()).contains("ext=resume&epoch=E1&seq=10");
      poll.respond(200, push(11, "[\"x/a\",11]"));
      FakeWire.FakeExchange next = f.wire.nextExchange();
      assertThat(next.query()).contains("&epoch=E1&seq=11");
      next.respond(200, push(11, "[\"x/a\",11]")); // an answer sent again
      f.wire.nextExchange().respond(200, push(12, "[\"x/b\",12]"));

      assertThat(f.events)
          .extracting(IncomingEvent::id)
          .containsExactly("chsk/handshake", "x/a", "x/b");
      assertThat(f.wire.nextExchange().query()).contains("&epoch=E1&seq=12");
    }
  }

  @Test
  void onAjaxAnotherHandshakeCarriesTheCursor() {
    try (Fixture f = new Fixture(Transport.AJAX)) {
      f.client.connect();
      f.wire.nextExchange().respond(200, granted("E1", 10, ""));
      f.wire.nextExchange().fail(new java.net.ConnectException("refused"));
      f.time.advance(0);
      FakeWire.FakeExchange handshake = f.wire.nextExchange();
      assertThat(handshake.query()).contains("handshake%3F=1").contains("&epoch=E1&seq=10");
      handshake.respond(200, granted("E1", 10, ",\"recovered\":true"));
      assertThat(recovery(f)).contains(new Recovery.Recovered());
    }
  }

  @Test
  void theCursorIsKeptWhenAutoMovesFromAjaxToTheWebSocket() {
    try (Fixture f = new Fixture(Transport.AUTO)) {
      f.client.connect();
      f.wire.nextSocket().refuse(500);
      f.wire.nextExchange().respond(200, granted("E1", 10, ""));
      f.wire.nextExchange().respond(200, push(12, "[\"x/a\",11]", "[\"x/b\",12]"));
      f.time.advance(30_000);
      FakeWire.FakeSocket probe = f.wire.nextSocket();
      assertThat(probe.uri.getRawQuery())
          .matches(
              java.util.regex.Pattern.quote("client-id=c1&ext=resume&epoch=E1&seq=12")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      f.events.clear();
      probe.accept().receive(granted("E1", 12, ",\"recovered\":true"));
      probe.receive(push(13, "[\"x/b\",12]", "[\"x/c\",13]"));

      assertThat(f.takeEventIds()).containsExactly("chsk/handshake", "chsk/recovery", "x/c");
      assertThat(recovery(f)).contains(new Recovery.Recovered());
    }
  }

  @Test
  void theCursorIsKeptWhenAutoFallsBackToAjax() {
    try (Fixture f = new Fixture(Transport.AUTO)) {
      FakeWire.FakeSocket socket = openGranted(f);
      socket.receive(push(12, "[\"x/a\",11]", "[\"x/b\",12]"));
      f.client.reconnect(); // the WebSocket first again; it fails before a handshake: Ajax
      f.wire.nextSocket().refuse(500);
      FakeWire.FakeExchange handshake = f.wire.nextExchange();
      assertThat(handshake.query()).contains("handshake%3F=1").contains("&epoch=E1&seq=12");
      handshake.respond(200, granted("E1", 12, ",\"recovered\":true"));
      f.events.clear();
      f.wire.nextExchange().respond(200, push(13, "[\"x/b\",12]", "[\"x/c\",13]"));
      assertThat(f.takeEventIds()).containsExactly("x/c");
      assertThat(recovery(f)).contains(new Recovery.Recovered());
    }
  }
}
