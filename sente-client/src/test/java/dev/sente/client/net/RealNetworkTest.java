package dev.sente.client.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Reply;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client on the JDK's real HTTP client, against small servers on ephemeral ports. */
class RealNetworkTest {

  @Test
  void aWebSocketClientHandshakesRequestsReceivesPushesAndReconnectsAfterAServerClose()
      throws Exception {
    try (MiniWebSocketServer server = new MiniWebSocketServer();
        SenteClient client =
            SenteClient.builder(server.endpoint())
                .transport(Transport.WEBSOCKET)
                .clientId("c1")
                .csrfToken("tok")
                .cookie("sid", "s1")
                .build()) {
      BlockingQueue<IncomingEvent> lines = new LinkedBlockingQueue<>();
      List<ClientState> states = new CopyOnWriteArrayList<>();
      client.on("chat/line", lines::add);
      client.onState(states::add);

      ClientState.Open open = client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(open.userId()).contains("alice");
      Map<String, String> upgrade = server.upgrades.take();
      assertThat(upgrade.get(":target"))
          .matches(
              java.util.regex.Pattern.quote("/chsk?client-id=c1&csrf-token=tok&ext=resume")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      assertThat(upgrade.get("origin")).isEqualTo("http://127.0.0.1:" + server.port());
      assertThat(upgrade.get("cookie")).isEqualTo("sid=s1");

      Reply reply =
          client
              .request("chat/send", "hi", Duration.ofSeconds(5))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(reply.value()).contains(Map.of("echo", List.of("chat/send", "hi")));

      server.pushToAll("[[[\"chat/line\",\"hello\"]],null]");
      IncomingEvent line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).isNotNull();
      assertThat(line.data()).contains("hello");

      server.closeAll(1000);
      await().atMost(Duration.ofSeconds(10)).until(() -> server.upgrades.size() == 1);
      await().atMost(Duration.ofSeconds(10)).until(() -> client.state().isOpen());
      assertThat(states)
          .anySatisfy(
              s ->
                  assertThat(s)
                      .isInstanceOfSatisfying(
                          ClientState.Closed.class,
                          c -> assertThat(c.reason()).isEqualTo(CloseReason.CLEAN)));
    }
  }

  @Test
  void aServerThatGrantsResumeReplaysAfterTheCursorAndTheClientDropsTheDuplicates()
      throws Exception {
    try (MiniWebSocketServer server = new MiniWebSocketServer();
        SenteClient client =
            SenteClient.builder(server.endpoint())
                .transport(Transport.WEBSOCKET)
                .clientId("c1")
                .backoff(n -> Duration.ofMillis(20))
                .build()) {
      server.grantResume = true;
      server.replayOverlap = 1;
      List<Object> lines = new CopyOnWriteArrayList<>();
      List<Object> recoveries = new CopyOnWriteArrayList<>();
      client.on("x/a", e -> lines.add(e.data(Integer.class)));
      client.on("chsk/recovery", e -> recoveries.add(e.data().orElse(null)));
      client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(server.upgrades.take().get(":target"))
          .matches(
              java.util.regex.Pattern.quote("/chsk?client-id=c1&ext=resume")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      server.pushNumbered("[\"x/a\",1]");
      server.pushNumbered("[\"x/a\",2]");
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() == 2);

      server.refuseWith = 503; // the client stays away while two more events are pushed
      server.closeAll(1011);
      await().atMost(Duration.ofSeconds(10)).until(() -> !client.state().isOpen());
      server.appendNumbered("[\"x/a\",3]");
      server.appendNumbered("[\"x/a\",4]");
      server.refuseWith = 0;

      assertThat(server.upgrades.poll(10, TimeUnit.SECONDS))
          .hasEntrySatisfying(
              ":target",
              t ->
                  assertThat(t)
                      .matches(
                          java.util.regex.Pattern.quote(
                                  "/chsk?client-id=c1&ext=resume&epoch=E1&seq=2")
                              + "&cepoch=[\\w-]{12}&cfrom=1"));
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 4);
      server.pushNumbered("[\"x/a\",5]");
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 5);
      assertThat(lines).containsExactly(1, 2, 3, 4, 5);
      assertThat(recoveries).containsExactly(Map.of("recovered", true));
      assertThat(((ClientState.Open) client.state()).recovery())
          .contains(new dev.sente.client.Recovery.Recovered());
    }
  }

  @Test
  void handlersNeverRunOnTheHttpClientsThreads() throws Exception {
    try (MiniWebSocketServer server = new MiniWebSocketServer();
        SenteClient client =
            SenteClient.builder(server.endpoint()).transport(Transport.WEBSOCKET).build()) {
      BlockingQueue<String> threads = new LinkedBlockingQueue<>();
      client.on("x/a", event -> threads.add(Thread.currentThread().getName()));
      client.onState(state -> threads.add(Thread.currentThread().getName()));
      client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server.pushToAll("[[[\"x/a\",1]],null]");

      await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() >= 3);
      assertThat(threads)
          .allSatisfy(
              name ->
                  assertThat(name)
                      .doesNotContain("HttpClient")
                      .doesNotContain("sente-client-http"));
    }
  }

  @Test
  void anAjaxClientHandshakesPollsAndPostsWithItsTokenAndOrigin() throws Exception {
    try (MiniAjaxServer server = new MiniAjaxServer();
        SenteClient client =
            SenteClient.builder(server.endpoint())
                .transport(Transport.AJAX)
                .csrfToken("tok")
                .build()) {
      BlockingQueue<IncomingEvent> events = new LinkedBlockingQueue<>();
      client.on("x/a", events::add);

      ClientState.Open open = client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(open.transport()).isEqualTo(Transport.AJAX);
      Map<String, List<String>> headers = server.requestHeaders.take();
      assertThat(headers.get("X-csrf-token")).containsExactly("tok");
      assertThat(headers.get("Origin")).containsExactly(server.endpoint().replace("/chsk", ""));

      server.push("x/a", "{\"n\":1}");
      IncomingEvent event = events.poll(10, TimeUnit.SECONDS);
      assertThat(event).isNotNull();
      assertThat(event.data()).contains(Map.of("n", 1));

      Reply reply =
          client
              .request("chat/send", "hi", Duration.ofSeconds(5))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(reply.value()).contains(Map.of("echo", List.of("chat/send", "hi")));
      assertThat(server.posted).contains("[[\"chat/send\",\"hi\"],\"ajax\"]");
      assertThat(client.send("chat/typing", true)).isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> server.posted.contains("[[\"chat/typing\",true],null]"));
    }
  }

  @Test
  void autoFallsBackToAjaxWhenTheUpgradeIsRefused() throws Exception {
    try (MiniAjaxServer server = new MiniAjaxServer();
        SenteClient client = SenteClient.builder(server.endpoint()).build()) {
      List<ClientState> states = new CopyOnWriteArrayList<>();
      client.onState(states::add);

      ClientState.Open open = client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

      assertThat(open.transport()).isEqualTo(Transport.AJAX);
      assertThat(states)
          .anySatisfy(
              s ->
                  assertThat(s)
                      .isInstanceOfSatisfying(
                          ClientState.Closed.class,
                          c -> {
                            assertThat(c.reason()).isEqualTo(CloseReason.DOWNGRADING);
                            assertThat(c.code()).hasValue(500);
                          }));
    }
  }

  @Test
  void aRejectedAjaxClientStopsWhenToldTo() throws Exception {
    try (MiniAjaxServer server = new MiniAjaxServer();
        SenteClient client =
            SenteClient.builder(server.endpoint())
                .transport(Transport.AJAX)
                .stopReconnectingOn(401, 403)
                .build()) {
      server.status = 401;
      assertThat(client.connect().toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableThat()
          .withCauseInstanceOf(dev.sente.client.ConnectionClosedException.class);
      assertThat(client.state())
          .isInstanceOfSatisfying(
              ClientState.Closed.class,
              c -> {
                assertThat(c.reason()).isEqualTo(CloseReason.REJECTED);
                assertThat(c.code()).hasValue(401);
                assertThat(c.willReconnect()).isFalse();
              });
    }
  }

  @Test
  void aSilentServerIsDetectedByThePingTimeout() throws Exception {
    try (MiniWebSocketServer server = new MiniWebSocketServer();
        SenteClient client =
            SenteClient.builder(server.endpoint())
                .transport(Transport.WEBSOCKET)
                .keepAlive(Duration.ofMillis(200))
                .pingTimeout(Duration.ofMillis(200))
                .build()) {
      server.answerPings = false;
      List<ClientState> states = new CopyOnWriteArrayList<>();
      client.onState(states::add);
      client.connect().toCompletableFuture().get(10, TimeUnit.SECONDS);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  states.stream()
                      .anyMatch(
                          s ->
                              s instanceof ClientState.Closed c
                                  && c.reason() == CloseReason.PING_TIMEOUT));
      assertThat(server.nextReceived()).matches("\\[\\[\"chsk/ws-ping\"\\],\"[0-9a-f]{6}\"\\]");
    }
  }
}
