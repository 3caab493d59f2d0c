package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.Protocol;
import dev.sente.server.EventMessage;
import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a client that sends events in the reserved {@code chsk} namespace. The server's
 * notifications ({@code chsk/uidport-open}, {@code chsk/uidport-close}, {@code chsk/handshake} ...)
 * come from the server only: the same ids from a client, on either transport, reach the handlers as
 * {@code chsk/bad-event} whose data is the event as the client sent it. The two reserved ids a real
 * client sends, the keep-alive {@code chsk/ws-ping} and {@code chsk/ws-pong}, keep working and
 * never carry client data.
 */
public abstract class ReservedIdsAbuse extends ConformanceTestBase {

  private static final String DUMMY = "[\"chsk/dummy-cb-200\",null]";

  /** Each forged frame, and the event value it carries (the bad-event's data). */
  private record Forged(String frame, List<Object> event) {}

  private static final List<Forged> FORGED =
      List.of(
          new Forged(
              "[[\"chsk/uidport-open\",\"bob\"],null]", Arrays.asList("chsk/uidport-open", "bob")),
          new Forged(
              "[[\"chsk/uidport-close\",\"sente/nil-uid\"],null]",
              Arrays.asList("chsk/uidport-close", "sente/nil-uid")),
          new Forged(
              "[[\"chsk/handshake\",[\"bob\",null,null]],null]",
              Arrays.asList("chsk/handshake", Arrays.asList("bob", null, null))),
          new Forged(
              "[[\"chsk/uidport-open\",\"carol\"],\"cb0001\"]",
              Arrays.asList("chsk/uidport-open", "carol")),
          new Forged("[[\"chsk/timeout\"],null]", Arrays.asList("chsk/timeout")),
          new Forged("[[\"chsk/close\"],null]", Arrays.asList("chsk/close")),
          new Forged("[[\"chsk/closed\"],null]", Arrays.asList("chsk/closed")),
          new Forged("[[\"chsk/error\",\"x\"],null]", Arrays.asList("chsk/error", "x")),
          new Forged("[[\"chsk/dummy-cb-200\"],null]", Arrays.asList("chsk/dummy-cb-200")),
          new Forged("[[\"chsk/bad-event\",1],null]", Arrays.asList("chsk/bad-event", 1)),
          new Forged("[[\"chsk/made-up\",2],null]", Arrays.asList("chsk/made-up", 2)));

  /** The reserved ids that must never reach a handler from these clients. */
  private static final List<String> NEVER_FROM_CLIENTS =
      List.of(
          Protocol.HANDSHAKE,
          Protocol.USER_DISCONNECTED,
          Protocol.TIMEOUT,
          Protocol.CLOSE,
          Protocol.CLOSED,
          Protocol.ERROR,
          Protocol.DUMMY_REPLY,
          "chsk/made-up");

  private static void assertOnlyBadEvents(ServerFixture server) {
    for (Forged forged : FORGED) {
      server.events().await(Protocol.BAD_EVENT, forged.event());
    }
    for (String id : NEVER_FROM_CLIENTS) {
      assertThat(server.events().all(id)).as(id + ": " + server.events().describe()).isEmpty();
    }
    assertThat(server.events().all(Protocol.USER_CONNECTED))
        .as("only the server's own uidport-open: " + server.events().describe())
        .extracting(m -> m.data().orElse(null))
        .containsExactly("alice");
    assertThat(server.events().count(Protocol.BAD_EVENT))
        .as("one bad-event per forged event: " + server.events().describe())
        .isEqualTo(FORGED.size());
  }

  @Test
  void forgedNotificationsOverWebSocketArriveAsBadEvents() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1");
    server.events().await(Protocol.USER_CONNECTED, "alice");

    for (Forged forged : FORGED) {
      ws.send(forged.frame());
    }
    ws.send("[[\"a/done\"],null]");

    server.events().await("a/done"); // one client's events are handled in order
    assertOnlyBadEvents(server);
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void forgedNotificationsOverAjaxArriveAsBadEvents() {
    ServerFixture server = serve(builder());
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);
    alice.poll("c3");
    server.events().await(Protocol.USER_CONNECTED, "alice");

    for (Forged forged : FORGED) {
      if (forged.frame().endsWith("\"cb0001\"]")) {
        alice.sendAsync("c3", forged.frame()); // wants a reply that no handler gives
        continue;
      }
      RawResponse response = alice.send("c3", forged.frame());
      assertThat(response.body()).as(forged.frame()).isEqualTo(DUMMY);
    }

    assertOnlyBadEvents(server);
  }

  @Test
  void keepAliveMessagesStillWorkOverWebSocket() {
    ServerFixture server = serve(builder());
    RawWebSocket ws = server.as("alice").connect("c1"); // one ping round trip already

    ws.send("[[\"chsk/ws-ping\"],\"p2p2p2\"]");
    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"p2p2p2\"]");
    ws.send("[[\"chsk/ws-ping\",\"forged\"],\"p3p3p3\"]");
    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"p3p3p3\"]");
    ws.send("[[\"chsk/ws-pong\",\"forged\"],null]");
    ws.send("[[\"a/done\"],null]");

    server.events().await("a/done");
    List<EventMessage> pings = server.events().all(Protocol.WS_PING);
    assertThat(pings).hasSize(3);
    assertThat(server.events().all(Protocol.WS_PONG)).hasSize(1);
    assertThat(server.events().all())
        .filteredOn(m -> m.id().equals(Protocol.WS_PING) || m.id().equals(Protocol.WS_PONG))
        .allSatisfy(m -> assertThat(m.data()).isEmpty());
    assertThat(server.events().count(Protocol.BAD_EVENT)).isZero();
  }

  @Test
  void keepAliveIdsOverAjaxCarryNoClientData() {
    ServerFixture server = serve(builder());
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);

    assertThat(alice.send("c3", "[[\"chsk/ws-ping\",\"forged\"],null]").body()).isEqualTo(DUMMY);
    assertThat(alice.send("c3", "[[\"chsk/ws-pong\",{\"x\":1}],null]").body()).isEqualTo(DUMMY);

    server.events().await(Protocol.WS_PING, null);
    server.events().await(Protocol.WS_PONG, null);
    assertThat(server.events().all())
        .filteredOn(m -> m.id().equals(Protocol.WS_PING) || m.id().equals(Protocol.WS_PONG))
        .allSatisfy(m -> assertThat(m.data()).isEmpty());
  }
}
