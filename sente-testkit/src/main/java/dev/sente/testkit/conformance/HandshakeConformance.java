package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.SenteServer;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Conformance: the handshake on both transports ({@code [["chsk/handshake",[uid,null,data]],null]}
 * as the first WebSocket frame and as the answer to an Ajax handshake GET), and who the server says
 * the client is.
 */
public abstract class HandshakeConformance extends ConformanceTestBase {

  @Test
  void webSocketHandshakeIsTheFirstFrameAndConnectsTheUser() {
    ServerFixture server = serve(builder());

    RawWebSocket ws = server.as("alice").webSocket("client-id=c1");

    assertThat(ws.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(server.events().await("chsk/uidport-open").data()).contains("alice");
    eventually()
        .untilAsserted(
            () ->
                assertThat(server.sente().connectedUsers())
                    .isEqualTo(new ConnectedUsers(Set.of("alice"), Set.of(), Set.of("alice"))));
  }

  @Test
  void anonymousClientIsHandshakenAsTheNilUser() {
    ServerFixture server = serve(builder());

    RawWebSocket ws = server.anonymous().webSocket("client-id=c1");

    assertThat(ws.nextFrame())
        .isEqualTo("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
    assertThat(server.events().await("chsk/uidport-open").data())
        .contains(SenteServer.ANONYMOUS_USER);
    eventually()
        .untilAsserted(
            () ->
                assertThat(server.sente().connectedUsers().any())
                    .containsExactly(SenteServer.ANONYMOUS_USER));
  }

  @Test
  void handshakeDataIsTheThirdElementOnBothTransports() {
    ServerFixture server = serve(builder().handshakeData(request -> Map.of("v", 1)));

    RawWebSocket ws = server.as("alice").webSocket("client-id=c1");
    RawResponse ajax = server.as("alice").get("client-id=c3&udt=1&handshake%3F=1");

    assertThat(ws.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,{\"v\":1}]],null]");
    assertThat(ajax.status()).isEqualTo(200);
    assertThat(ajax.body()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,{\"v\":1}]],null]");
  }

  @Test
  void userIdResolverSeesTheClientId() {
    ServerFixture server =
        serve(builder().userId(request -> request.clientId().map(cid -> "user-" + cid)));

    RawWebSocket ws = server.anonymous().webSocket("client-id=c1");
    RawResponse ajax = server.anonymous().get("client-id=c3&udt=1&handshake%3F=1");

    assertThat(ws.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"user-c1\",null,null]],null]");
    assertThat(ajax.body()).isEqualTo("[[\"chsk/handshake\",[\"user-c3\",null,null]],null]");
  }

  @Test
  void ajaxHandshakeIsAnsweredAtOnceAndDoesNotConnectTheUser() {
    ServerFixture server = serve(builder());

    RawResponse response = server.as("alice").get("client-id=c3&udt=1&handshake%3F=1");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    throughout(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              assertThat(server.sente().connectedUsers()).isEqualTo(ConnectedUsers.NONE);
              assertThat(server.events().count("chsk/uidport-open")).isZero();
            });
  }

  @Test
  void firstAjaxRequestOfAClientGetsTheHandshakeEvenWithoutTheFlag() {
    ServerFixture server = serve(builder());

    RawResponse response = server.as("alice").get("client-id=c3&udt=1");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
  }

  @Test
  void handshakeFlagCountsWhenPresentWhateverItsValue() {
    ServerFixture server = serve(builder());
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);

    RawResponse again = alice.get("client-id=c3&udt=2&handshake%3F=false");

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
  }

  @Test
  void everyTabOfAUserGetsItsOwnHandshake() {
    ServerFixture server = serve(builder());

    RawWebSocket first = server.as("alice").webSocket("client-id=c1");
    RawWebSocket second = server.as("alice").webSocket("client-id=c2");

    assertThat(first.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(second.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"alice\",null,null]],null]");
    assertThat(server.events().await("chsk/uidport-open", "alice")).isNotNull();
    assertThat(server.events().count("chsk/uidport-open", "alice")).isEqualTo(1);
    assertThat(first.isOpen()).isTrue();
  }

  @Test
  void userIdCanBeDerivedFromAnyRequestPart() {
    ServerFixture server =
        serve(
            builder()
                .userId(
                    request ->
                        request
                            .header(ServerFixture.USER_HEADER)
                            .map(user -> user + "@" + request.path())
                            .or(() -> Optional.of("nobody"))));

    RawWebSocket named = server.as("alice").webSocket("client-id=c1");
    RawWebSocket unnamed = server.anonymous().webSocket("client-id=c2");

    assertThat(named.nextFrame())
        .isEqualTo("[[\"chsk/handshake\",[\"alice@/chsk\",null,null]],null]");
    assertThat(unnamed.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"nobody\",null,null]],null]");
  }
}
