package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Reply;
import dev.sente.client.ReplyErrorException;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.Transport;
import dev.sente.core.SenteException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketClientTest {

  private static final Pattern CALLBACK = Pattern.compile(",\"([0-9a-f]{6})\"]$");

  private final Fixture f = new Fixture(Transport.WEBSOCKET);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void connectOpensTheWebSocketUrlWithClientIdTokenAndOriginAndOpensAtTheHandshake() {
    try (Fixture g =
        new Fixture(
            Transport.WEBSOCKET,
            b -> b.csrfToken("t*k n").param("room", "blue").cookie("JSESSIONID", "s1"))) {
      CompletionStage<ClientState.Open> connected = g.client.connect();
      FakeWire.FakeSocket socket = g.wire.nextSocket();
      assertThat(socket.uri.toString())
          .matches(
              java.util.regex.Pattern.quote(
                      "ws://localhost:8080/chsk?room=blue&client-id=c1&csrf-token=t%2Ak%20n&ext=resume")
                  + "&cepoch=[\\w-]{12}&cfrom=1");
      assertThat(socket.headers)
          .containsEntry("Origin", "http://localhost:8080")
          .containsEntry("Cookie", "JSESSIONID=s1")
          .doesNotContainKey("X-CSRF-Token");
      assertThat(g.client.state()).isEqualTo(new ClientState.Connecting(Transport.WEBSOCKET, 0));

      socket.accept();
      assertThat(connected.toCompletableFuture()).isNotDone(); // the socket's open is not enough
      socket.receive(Fixture.HANDSHAKE);

      ClientState.Open open =
          new ClientState.Open(Optional.of("alice"), Transport.WEBSOCKET, Optional.empty(), true);
      assertThat(connected.toCompletableFuture()).isCompletedWithValue(open);
      assertThat(g.client.state()).isEqualTo(open);
      assertThat(g.events).extracting(IncomingEvent::id).containsExactly("chsk/handshake");
      assertThat(g.events.get(0).data())
          .contains(java.util.Arrays.asList("alice", null, null, true));
    }
  }

  @Test
  void sendBeforeTheHandshakeIsKeptAndPutsNothingOnTheWireYet() {
    f.client.connect();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();

    assertThat(f.client.send("chat/send", "hi")).as("kept: KeptSendsTest").isTrue();
    CompletionStage<Reply> reply = f.client.request("chat/send", "hi", Duration.ofSeconds(1));

    assertThat(socket.sent()).isEmpty();
    assertThat(reply.toCompletableFuture())
        .as("waits for the open: WaitingRequestsTest")
        .isNotDone();
    f.time.advance(1000);
    assertThat(reply.toCompletableFuture())
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ReplyTimeoutException.class);
    assertThat(socket.sent()).isEmpty();
  }

  @Test
  void sendWritesTheEventWithANullCallback() {
    FakeWire.FakeSocket socket = f.openWebSocket();

    assertThat(f.client.send("chat/send", Map.of("text", "hi"))).isTrue();
    assertThat(f.client.send("chat/ping", null)).isTrue();

    assertThat(socket.sent())
        .containsExactly("[[\"chat/send\",{\"text\":\"hi\"}],null]", "[[\"chat/ping\"],null]");
  }

  @Test
  void reservedAndInvalidEventIdsAreRefusedWithSenteException() {
    f.openWebSocket();
    assertThatThrownBy(() -> f.client.send("chsk/ws-ping", null))
        .isInstanceOf(SenteException.class);
    assertThatThrownBy(() -> f.client.send("no-namespace", 1)).isInstanceOf(SenteException.class);
  }

  @Test
  void requestCarriesASixCharacterCallbackIdAndCompletesWithTheReply() throws Exception {
    FakeWire.FakeSocket socket = f.openWebSocket();

    CompletionStage<Reply> reply = f.client.request("chat/send", "hi", Duration.ofSeconds(5));
    String frame = socket.lastSent();
    Matcher m = CALLBACK.matcher(frame);
    assertThat(m.find()).as(frame).isTrue();
    assertThat(frame).startsWith("[[\"chat/send\",\"hi\"],\"");
    socket.receive("[{\"ok\":1},\"" + m.group(1) + "\"]");

    Reply r = reply.toCompletableFuture().get();
    assertThat(r.value()).contains(Map.of("ok", 1));
    assertThat(r.as(Ok.class)).isEqualTo(new Ok(1));
    assertThat(f.time.pending()).as("only the keep-alive timer is left").isEqualTo(1);
  }

  record Ok(int ok) {}

  @Test
  void aTypedRequestConvertsTheReply() throws Exception {
    FakeWire.FakeSocket socket = f.openWebSocket();
    CompletionStage<Ok> reply = f.client.request("a/b", 1, Duration.ofSeconds(5), Ok.class);
    socket.receive("[{\"ok\":7},\"" + callbackOf(socket.lastSent()) + "\"]");
    assertThat(reply.toCompletableFuture().get()).isEqualTo(new Ok(7));
  }

  @Test
  void aRequestWithoutReplyFailsWithReplyTimeoutExceptionAtItsTimeoutAndNotBefore() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    CompletableFuture<Reply> reply =
        f.client.request("slow/op", null, Duration.ofMillis(3000)).toCompletableFuture();

    f.time.advance(2999);
    assertThat(reply).isNotDone();
    f.time.advance(1);
    assertThat(reply)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ReplyTimeoutException.class);

    socket.receive("[\"late\",\"" + callbackOf(socket.lastSent()) + "\"]"); // dropped quietly
    assertThat(f.client.state().isOpen()).isTrue();
  }

  @Test
  void sentesReplyKeywordsBecomeTypedFailures() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    CompletableFuture<Reply> error =
        f.client.request("a/b", 1, Duration.ofSeconds(5)).toCompletableFuture();
    socket.receive("[\"chsk/error\",\"" + callbackOf(socket.lastSent()) + "\"]");
    CompletableFuture<Reply> timeout =
        f.client.request("a/b", 1, Duration.ofSeconds(5)).toCompletableFuture();
    socket.receive("[\"chsk/timeout\",\"" + callbackOf(socket.lastSent()) + "\"]");

    assertThat(error)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ReplyErrorException.class);
    assertThat(timeout)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ReplyTimeoutException.class);
  }

  @Test
  void requestsInFlightFailWithConnectionClosedExceptionWhenTheConnectionDrops() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    CompletableFuture<Reply> reply =
        f.client.request("a/b", 1, Duration.ofSeconds(30)).toCompletableFuture();

    socket.serverClose(1006);

    assertThat(reply)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    assertThat(f.states)
        .contains(
            new ClientState.Closed(
                CloseReason.UNEXPECTED, java.util.OptionalInt.of(1006), "bye", true));
  }

  @Test
  void theServersPingIsAnsweredWithAPongAtOnceAndReachesTheHandlers() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    f.takeEventIds();

    socket.receive("[\"chsk/ws-ping\",null]");

    assertThat(socket.lastSent()).isEqualTo("[[\"chsk/ws-pong\"],null]");
    assertThat(f.takeEventIds()).containsExactly("chsk/ws-ping");
  }

  @Test
  void pushesReachTheirHandlersInOrderAndBadEventsBecomeBadEvent() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    List<Object> lines = new java.util.ArrayList<>();
    f.client.on("chat/line", event -> lines.add(event.data().orElseThrow()));
    f.takeEventIds();

    socket.receive(
        "[[[\"chat/line\",\"a\"],[\"chat/typing\",\"bob\"],[\"chat/line\",\"b\"]],null]");
    socket.receive("[[[\"no-namespace\",1],[\"chsk/close\"]],null]");

    assertThat(lines).containsExactly("a", "b");
    assertThat(f.takeEventIds()).containsExactly("chat/typing", "chsk/bad-event", "chsk/bad-event");
  }

  @Test
  void version2FormsAreReadLikeVersion3() {
    f.client.connect();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive("[[\"chsk/handshake\",[\"alice\",null]]]");
    assertThat(f.client.state())
        .isEqualTo(
            new ClientState.Open(
                Optional.of("alice"), Transport.WEBSOCKET, Optional.empty(), true));
    f.takeEventIds();

    socket.receive("[[[\"x/a\",1]]]");

    assertThat(f.events).extracting(IncomingEvent::id).containsExactly("x/a");
    assertThat(f.events.get(0).data()).contains(1);
  }

  @Test
  void anAnonymousHandshakeWithDataOpensWithoutUserId() {
    f.client.connect();
    f.wire
        .nextSocket()
        .accept()
        .receive("[[\"chsk/handshake\",[\"sente/nil-uid\",null,{\"v\":1}]],null]");
    assertThat(f.client.state())
        .isEqualTo(
            new ClientState.Open(
                Optional.empty(), Transport.WEBSOCKET, Optional.of(Map.of("v", 1)), true));
  }

  @Test
  void unreadableFramesAreDroppedAndTheConnectionStaysUsable() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    f.takeEventIds();

    socket.receive("not json at all");
    socket.receive("{\"a\":1}");
    socket.receive("[1,2,3,4]");
    socket.receive("[[[\"x/a\",1]],null]");

    assertThat(f.client.state().isOpen()).isTrue();
    assertThat(f.takeEventIds()).containsExactly("x/a");
  }

  @Test
  void aThrowingHandlerGoesToTheErrorHookAndLaterEventsStillArrive() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    AtomicInteger seen = new AtomicInteger();
    f.client.on(
        "x/a",
        event -> {
          seen.incrementAndGet();
          throw new IllegalStateException("boom");
        });

    socket.receive("[[[\"x/a\",1],[\"x/a\",2]],null]");

    assertThat(seen).hasValue(2);
    assertThat(f.errors).hasSize(2).allMatch(e -> e.getMessage().equals("boom"));
  }

  @Test
  void theCsrfSupplierIsReadOnEveryConnection() {
    AtomicInteger reads = new AtomicInteger();
    try (Fixture g =
        new Fixture(Transport.WEBSOCKET, b -> b.csrfToken(() -> "t" + reads.incrementAndGet()))) {
      g.client.connect();
      assertThat(g.wire.nextSocket().uri.getQuery()).contains("csrf-token=t1&ext=resume");
      g.client.reconnect();
      assertThat(g.wire.nextSocket().uri.getQuery()).contains("csrf-token=t2&ext=resume");
    }
  }

  @Test
  void framesWaitForThePreviousWriteAndTheQueueIsBounded() {
    try (Fixture g = new Fixture(Transport.WEBSOCKET, b -> b.maxQueuedFrames(2))) {
      FakeWire.FakeSocket socket = g.openWebSocket();
      CompletableFuture<Void> write = new CompletableFuture<>();
      socket.holdSends = write;

      assertThat(g.client.send("a/b", 1)).isTrue(); // being written
      assertThat(g.client.send("a/b", 2)).isTrue(); // queued
      assertThat(g.client.send("a/b", 3)).isTrue(); // queued
      assertThat(g.client.send("a/b", 4)).isFalse(); // over the limit
      assertThat(socket.sent()).hasSize(1);

      socket.holdSends = null;
      write.complete(null);
      assertThat(socket.sent())
          .containsExactly("[[\"a/b\",1],null]", "[[\"a/b\",2],null]", "[[\"a/b\",3],null]");
    }
  }

  @Test
  void aFailedWriteClosesWithErrorAndReconnects() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    socket.holdSends = CompletableFuture.failedFuture(new java.io.IOException("broken pipe"));
    f.takeStates();

    assertThat(f.client.send("a/b", 1)).isTrue();

    assertThat(f.takeStates().get(0))
        .isInstanceOfSatisfying(
            ClientState.Closed.class, c -> assertThat(c.reason()).isEqualTo(CloseReason.ERROR));
    assertThat(socket.aborted).isTrue();
  }

  @Test
  void noHandshakeWithinTheConnectTimeoutClosesAsUnexpected() {
    f.client.connect();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();

    f.time.advance(9_999);
    assertThat(f.client.state()).isInstanceOf(ClientState.Connecting.class);
    f.time.advance(1);

    assertThat(f.states)
        .anySatisfy(
            s ->
                assertThat(s)
                    .isInstanceOfSatisfying(
                        ClientState.Closed.class,
                        c -> assertThat(c.reason()).isEqualTo(CloseReason.UNEXPECTED)));
    assertThat(socket.aborted).isTrue();
  }

  private static String callbackOf(String frame) {
    Matcher m = CALLBACK.matcher(frame);
    assertThat(m.find()).as(frame).isTrue();
    return m.group(1);
  }
}
