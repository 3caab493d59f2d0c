package dev.sente.testkit.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Recovery;
import dev.sente.client.Reply;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.RunningServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java client against a real server on both transports: what an adapter must give the client
 * (handshake, replies, pushes in order, reconnects, recovery). An adapter's test extends it and
 * starts the server:
 *
 * <pre>{@code
 * class JettyJavaClientTest extends JavaClientConformance {
 *   protected RunningServer start(SenteServer sente) {
 *     var jetty = SenteJetty.serve(sente, 0);
 *     return RunningServer.of(jetty.uri(), jetty::close);
 *   }
 * }
 * }</pre>
 */
public abstract class JavaClientConformance {

  private final BlockingQueue<EventMessage> received = new LinkedBlockingQueue<>();
  private final SenteServer sente =
      SenteServer.builder()
          .userId(request -> request.cookie("user")) // a session, in a real application
          .handshakeData(request -> Map.of("v", 1))
          .build();
  private RunningServer server;

  protected JavaClientConformance() {
    sente.on("chat/save", msg -> msg.reply(Map.of("saved", msg.data(String.class))));
    sente.on("chat/note", received::add);
    sente.on("chat/ignore", msg -> {});
  }

  /** Starts a server for the engine, on a free port; closed after each test. */
  protected abstract RunningServer start(SenteServer sente);

  @BeforeEach
  void startServer() {
    server = start(sente);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordingClient alice(Transport transport) {
    return RecordingClient.build(
        SenteClient.builder(server.baseUri().resolve("/chsk"))
            .transport(transport)
            .cookie("user", "alice")
            .backoff(attempt -> Duration.ofMillis(50)));
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void theClientOpensWithTheUserIdAndHandshakeDataTheServerGave(Transport transport) {
    try (RecordingClient alice = alice(transport)) {
      ClientState.Open open = alice.connect();

      assertThat(open)
          .isEqualTo(
              new ClientState.Open(
                  Optional.of("alice"), transport, Optional.of(Map.of("v", 1)), true));
      alice.assertState(ClientState.Connecting.class);
      alice.assertState(ClientState.Open.class);
      alice.assertExhausted();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void aRequestGetsTheHandlersReply(Transport transport) {
    try (RecordingClient alice = alice(transport)) {
      alice.connect();

      Reply reply = alice.request("chat/save", "hello");

      assertThat(reply.value()).contains(Map.of("saved", "hello"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void aSendReachesTheHandlerWithTheUserAndClientId(Transport transport) throws Exception {
    try (RecordingClient alice = alice(transport)) {
      alice.connect();

      assertThat(alice.client().send("chat/note", Map.of("text", "hi"))).isTrue();

      EventMessage message = received.poll(10, TimeUnit.SECONDS);
      assertThat(message).isNotNull();
      assertThat(message.userId()).isEqualTo("alice");
      assertThat(message.clientId()).isEqualTo(alice.client().clientId());
      assertThat(message.data()).contains(Map.of("text", "hi"));
      assertThat(message.wantsReply()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void pushesToTheUserReachTheClientInOrder(Transport transport) {
    try (RecordingClient alice = alice(transport)) {
      alice.connect();

      sente.send("alice", "chat/line", "one");
      sente.send("alice", "chat/line", "two");

      alice.assertEvent("chat/line", "one");
      alice.assertEvent("chat/line", "two");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void aRequestWithoutReplyFailsAtTheClientsTimeout(Transport transport) {
    try (RecordingClient alice = alice(transport)) {
      alice.connect();

      CompletableFuture<Reply> reply =
          alice.client().request("chat/ignore", 1, Duration.ofMillis(300)).toCompletableFuture();

      assertThat(reply)
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(ReplyTimeoutException.class);
    }
  }

  @Test
  void theServerClosingTheUsersWebSocketMakesTheClientReconnect() {
    try (RecordingClient alice = alice(Transport.WEBSOCKET)) {
      alice.connect();
      alice.clear();

      assertThat(sente.disconnect("alice")).isEqualTo(1);

      ClientState.Closed closed = alice.awaitState(ClientState.Closed.class);
      assertThat(closed.reason()).isEqualTo(CloseReason.CLEAN);
      assertThat(closed.willReconnect()).isTrue();
      ClientState.Open again = alice.awaitState(ClientState.Open.class);
      assertThat(again.firstOpen()).isFalse();
      assertThat(alice.request("chat/save", "after").value()).contains(Map.of("saved", "after"));
    }
  }

  @Test
  void theServerClosingAnAjaxClientGivesItAFreshHandshake() {
    try (RecordingClient alice = alice(Transport.AJAX)) {
      alice.connect();
      alice.clear();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sente.connectedUsers().ajax().contains("alice"));

      java.util.concurrent.CountDownLatch handshakes = new java.util.concurrent.CountDownLatch(1);
      alice.client().on("chsk/handshake", event -> handshakes.countDown());

      assertThat(sente.disconnect("alice")).isEqualTo(1);

      // the next poll brings a fresh handshake, as a reconnect would; no event is lost
      await().atMost(Duration.ofSeconds(10)).until(() -> handshakes.getCount() == 0);
      // resumed in the window: reported as a recovery (the state says so too), nothing lost
      alice.assertEvent(Recovery.EVENT_ID, Map.of("recovered", true));
      assertThat(alice.assertState(ClientState.Open.class).recovery())
          .contains(new Recovery.Recovered());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sente.send("alice", "chat/line", "still here"));
      alice.assertEvent("chat/line", "still here");
      alice.assertExhausted();
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void closingTheClientFailsARequestInFlight(Transport transport) {
    RecordingClient alice = alice(transport);
    alice.connect();
    CompletableFuture<Reply> reply =
        alice.client().request("chat/ignore", 1, Duration.ofSeconds(30)).toCompletableFuture();

    alice.close();

    assertThat(reply)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    assertThat(alice.client().state())
        .isEqualTo(ClientState.Closed.of(CloseReason.CLIENT_CLOSED, false));
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void disconnectedClientsSendNothing(Transport transport) {
    try (RecordingClient alice = alice(transport)) {
      alice.connect();
      alice.client().disconnect();

      assertThat(alice.client().send("chat/note", "lost")).isFalse();
      assertThat(received).isEmpty();
    }
  }
}
