package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.server.Transport;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Conformance: the Ajax transport: handshake, held long-polls, their timeout, pushes on the held or
 * the next poll, POSTed events with and without a reply, and the v2 POST forms.
 */
public abstract class AjaxConformance extends ConformanceTestBase {

  private static final String TIMEOUT = "[\"chsk/timeout\",null]";
  private static final String DUMMY = "[\"chsk/dummy-cb-200\",null]";

  private static SenteServer.Builder shortPolls() {
    return builder().longPollTimeout(Duration.ofMillis(500));
  }

  @Test
  void pollIsHeldThenAnsweredWithTimeoutAndConnectsTheUser() {
    ServerFixture server = serve(shortPolls());
    Peer alice = server.as("alice");
    assertThat(alice.ajaxHandshake("c3").status()).isEqualTo(200);

    long start = System.nanoTime();
    CompletableFuture<RawResponse> poll = alice.getAsync("client-id=c3&udt=2");

    assertThat(server.events().await("chsk/uidport-open").data()).contains("alice");
    eventually()
        .untilAsserted(
            () ->
                assertThat(server.sente().connectedUsers())
                    .isEqualTo(new ConnectedUsers(Set.of(), Set.of("alice"), Set.of("alice"))));
    RawResponse response = RawHttp.join(poll);
    long heldMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TIMEOUT);
    assertThat(heldMillis).as("held for the long-poll timeout").isGreaterThanOrEqualTo(450);
  }

  @Test
  void pushWhilePollIsHeldAnswersIt() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofSeconds(20)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> poll = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    assertThat(server.sente().send("alice", "x/a", 1)).isTrue();

    RawResponse response = RawHttp.join(poll);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[[[\"x/a\",1]],null]");
  }

  @Test
  void pushesInOneWindowAnswerThePollAsOneBatch() {
    ServerFixture server =
        serve(
            builder()
                .longPollTimeout(Duration.ofSeconds(20))
                .batchWindows(Duration.ofMillis(200), Duration.ofSeconds(1)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> poll = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));

    server.sente().send("alice", "x/a", 1);
    server.sente().send("alice", "x/b", 2);

    assertThat(RawHttp.join(poll).body()).isEqualTo("[[[\"x/a\",1],[\"x/b\",2]],null]");
  }

  @Test
  void pushBetweenPollsIsDeliveredOnTheNextPoll() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofSeconds(20)));
    Peer alice = server.as("alice");
    alice.ajaxHandshake("c3");
    CompletableFuture<RawResponse> first = alice.poll("c3");
    eventually().until(() -> server.sente().connectedUsers().ajax().contains("alice"));
    server.sente().send("alice", "x/a", 1, true);
    assertThat(RawHttp.join(first).body()).isEqualTo("[[[\"x/a\",1]],null]");

    assertThat(server.sente().send("alice", "x/b", 2, true))
        .as("flushed while no poll is held")
        .isTrue();
    RawResponse second = RawHttp.join(alice.poll("c3"));

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("[[[\"x/b\",2]],null]");
  }

  @Test
  void postWithoutCallbackIsAnsweredWithTheDummyReply() {
    ServerFixture server = serve(shortPolls());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);
    String form = RawHttp.form("client-id", "c3", "udt", "3", "ppstr", "[[\"a/b\",1],null]");

    RawResponse response = server.as("alice").post(form);

    assertThat(form).isEqualTo("client-id=c3&udt=3&ppstr=%5B%5B%22a%2Fb%22%2C1%5D%2Cnull%5D");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(DUMMY);
    EventMessage message = handled.await("a/b");
    assertThat(message.data()).contains(1);
    assertThat(message.wantsReply()).isFalse();
    assertThat(message.userId()).isEqualTo("alice");
    assertThat(message.clientId()).isEqualTo("c3");
    assertThat(message.transport()).isEqualTo(Transport.AJAX);
    assertThat(message.request().method()).isEqualTo("POST");
  }

  @Test
  void versionTwoPostWithoutCallbackElementIsAccepted() {
    ServerFixture server = serve(shortPolls());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);

    RawResponse response = server.as("alice").send("c3", "[[\"a/b\",2]]");

    assertThat(response.body()).isEqualTo(DUMMY);
    assertThat(handled.await("a/b").data()).contains(2);
  }

  @Test
  void postWithCallbackIsAnsweredWithTheReply() {
    ServerFixture server = serve(shortPolls());
    List<Boolean> wanted = new CopyOnWriteArrayList<>();
    server
        .sente()
        .on(
            "a/b",
            message -> {
              wanted.add(message.wantsReply());
              message.reply(Map.of("ok", 1));
            });
    Peer alice = server.as("alice");

    RawResponse v3 = alice.send("c3", "[[\"a/b\",1],\"ajax\"]");
    RawResponse v2 = alice.send("c3", "[[\"a/b\",1],0]");

    assertThat(v3.status()).isEqualTo(200);
    assertThat(v3.body()).isEqualTo("[{\"ok\":1},null]");
    assertThat(v2.status()).isEqualTo(200);
    assertThat(v2.body()).isEqualTo("[{\"ok\":1},null]");
    assertThat(wanted).containsExactly(true, true);
  }

  @Test
  void postWhoseHandlerNeverRepliesTimesOut() {
    ServerFixture server = serve(shortPolls());
    EventRecorder handled = new EventRecorder();
    server.sente().on("a/b", handled);

    RawResponse response = server.as("alice").send("c3", "[[\"a/b\",1],\"ajax\"]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TIMEOUT);
    assertThat(handled.await("a/b").wantsReply()).isTrue();
  }

  @Test
  void onlyTheFirstAjaxReplyCounts() {
    ServerFixture server = serve(shortPolls());
    List<Boolean> results = new CopyOnWriteArrayList<>();
    server
        .sente()
        .on(
            "a/b",
            message -> {
              results.add(message.reply(1));
              results.add(message.reply(2));
            });

    RawResponse response = server.as("alice").send("c3", "[[\"a/b\",1],\"ajax\"]");

    assertThat(response.body()).isEqualTo("[1,null]");
    eventually().untilAsserted(() -> assertThat(results).containsExactly(true, false));
  }

  @Test
  void laterReplyWithinTheTimeoutStillAnswersThePost() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofSeconds(20)));
    List<EventMessage> waiting = new CopyOnWriteArrayList<>();
    server.sente().on("a/b", waiting::add);

    CompletableFuture<RawResponse> response =
        server.as("alice").sendAsync("c3", "[[\"a/b\",1],\"ajax\"]");
    eventually().until(() -> !waiting.isEmpty());
    assertThat(waiting.get(0).reply(List.of("later", 2))).isTrue();

    assertThat(RawHttp.join(response).body()).isEqualTo("[[\"later\",2],null]");
  }

  @Test
  void postsNeedNoHandshakeAndCarryTheRequestsUser() {
    ServerFixture server = serve(shortPolls());
    server.sente().on("a/who", message -> message.reply(message.userId()));

    RawResponse alice = server.as("alice").send("c3", "[[\"a/who\"],\"ajax\"]");
    RawResponse anonymous = server.anonymous().send("c4", "[[\"a/who\"],\"ajax\"]");

    assertThat(alice.body()).isEqualTo("[\"alice\",null]");
    assertThat(anonymous.body()).isEqualTo("[\"sente/nil-uid\",null]");
  }
}
