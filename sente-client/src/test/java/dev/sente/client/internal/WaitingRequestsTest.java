package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Reply;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests made before the first handshake (after {@link SenteClient#connect()}) wait for it, as in
 * the browser client: in order, within their own timeout, at most {@link
 * SenteClient#MAX_WAITING_REQUESTS}; the application stopping the client fails them. The same holds
 * while it reconnects after having been open, and for sends without a reply: {@link KeptSendsTest}.
 */
class WaitingRequestsTest {

  private static final Pattern FRAME =
      Pattern.compile("^\\[\\[\"([^\"]+)\",(.*)\\],\"([0-9a-f]{6})\"]$");

  private final Fixture f = new Fixture(Transport.WEBSOCKET);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void requestsMadeRightAfterConnectGoOutInOrderAtTheHandshakeAndGetTheirReplies()
      throws Exception {
    f.client.connect();
    CompletableFuture<Reply> first = request("chat/send", "hi", 5000);
    CompletableFuture<Reply> second = request("chat/send", "again", 5000);
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    assertThat(socket.sent()).as("nothing before the handshake").isEmpty();
    assertThat(first).isNotDone();

    socket.receive(Fixture.HANDSHAKE);

    List<Matcher> frames = frames(socket);
    assertThat(frames).extracting(m -> m.group(2)).containsExactly("\"hi\"", "\"again\"");
    socket.receive("[true,\"" + frames.get(0).group(3) + "\"]");
    socket.receive("[\"ok\",\"" + frames.get(1).group(3) + "\"]");
    assertThat(first.get().value()).contains(true);
    assertThat(second.get().value()).contains("ok");
  }

  @Test
  void aRequestNotSentWithinItsTimeoutFailsWithReplyTimeoutExceptionAndIsNeverSent() {
    f.client.connect();
    CompletableFuture<Reply> reply = request("chat/send", "hi", 1000);
    f.time.advance(999);
    assertThat(reply).isNotDone();
    f.time.advance(1);
    assertThat(failure(reply))
        .isInstanceOf(ReplyTimeoutException.class)
        .hasMessageContaining("Not open within 1000 ms")
        .hasMessageContaining("chat/send was not sent");

    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(socket.sent()).isEmpty();
  }

  @Test
  void theWaitIsSpentOutOfTheTimeoutTheReplyGetsWhatIsLeft() {
    f.client.connect();
    CompletableFuture<Reply> reply = request("chat/send", "hi", 5000);
    f.time.advance(3000);
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(socket.sent()).hasSize(1);
    f.time.advance(1999);
    assertThat(reply).isNotDone();
    f.time.advance(1);
    assertThat(failure(reply))
        .isInstanceOf(ReplyTimeoutException.class)
        .hasMessageContaining("within 2000 ms");
  }

  @Test
  void disconnectAndCloseFailTheWaitingRequestsWithConnectionClosedException() {
    f.client.connect();
    CompletableFuture<Reply> beforeDisconnect = request("chat/send", "hi", 60_000);
    f.client.disconnect();
    assertThat(failure(beforeDisconnect))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("chat/send was not sent");

    f.client.connect();
    CompletableFuture<Reply> beforeClose = request("chat/send", "hi", 60_000);
    f.close();
    assertThat(failure(beforeClose)).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void aStopRuleThatGivesUpFailsTheWaitingRequests() {
    try (Fixture g = new Fixture(Transport.WEBSOCKET, b -> b.stopReconnectingOn(401))) {
      g.client.connect();
      CompletableFuture<Reply> reply =
          g.client.request("chat/send", "hi", Duration.ofSeconds(60)).toCompletableFuture();
      g.wire.nextSocket().refuse(401);
      assertThat(failure(reply)).isInstanceOf(ConnectionClosedException.class);
      assertThat(g.time.pending()).as("no timer left behind").isZero();
    }
  }

  @Test
  void beforeConnectAndAfterDisconnectARequestFailsAtOnce() {
    assertThat(failure(request("chat/send", "hi", 60_000)))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("nothing was sent");
    f.client.connect();
    f.client.disconnect();
    assertThat(failure(request("chat/send", "hi", 60_000)))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void atMostMaxWaitingRequestsWaitMoreFailAtOnce() {
    f.client.connect();
    List<CompletableFuture<Reply>> waiting = new ArrayList<>();
    for (int i = 0; i < SenteClient.MAX_WAITING_REQUESTS; i++) {
      waiting.add(request("x/n", i, 60_000));
    }
    assertThat(failure(request("x/n", -1, 60_000)))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("already waiting");
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(frames(socket))
        .extracting(m -> Integer.parseInt(m.group(2)))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, SenteClient.MAX_WAITING_REQUESTS).boxed().toList());
  }

  @Test
  void aRequestWaitsThroughAFailedFirstAttemptAndItsRetryUntilTheFirstHandshake() throws Exception {
    f.client.connect();
    CompletableFuture<Reply> reply = request("chat/send", "hi", 10_000);
    f.wire.nextSocket().accept().serverClose(1011);
    assertThat(f.client.state()).isInstanceOf(ClientState.ReconnectScheduled.class);
    f.time.advance(0); // the first retry is immediate
    assertThat(f.client.state()).isInstanceOf(ClientState.Connecting.class);
    assertThat(reply).isNotDone();

    FakeWire.FakeSocket second = f.wire.nextSocket().accept();
    second.receive(Fixture.HANDSHAKE);
    Matcher frame = frames(second).get(0);
    second.receive("[\"saved\",\"" + frame.group(3) + "\"]");
    assertThat(reply.get().value()).contains("saved");
  }

  @Test
  void onceOpenARequestWhileReconnectingWaitsForTheNextHandshakeToo() throws Exception {
    FakeWire.FakeSocket first = f.openWebSocket();
    first.serverClose(1011);
    assertThat(f.client.state()).isInstanceOf(ClientState.ReconnectScheduled.class);
    CompletableFuture<Reply> reply = request("chat/send", "hi", 5000);
    assertThat(reply).isNotDone();
    f.time.advance(0);
    FakeWire.FakeSocket second = f.wire.nextSocket().accept();
    second.receive(Fixture.HANDSHAKE);
    Matcher frame = frames(second).get(0);
    second.receive("[\"saved\",\"" + frame.group(3) + "\"]");
    assertThat(reply.get().value()).contains("saved");
  }

  @Test
  void onAjaxAWaitingRequestIsPostedAfterTheHandshake() throws Exception {
    try (Fixture g = new Fixture(Transport.AJAX)) {
      g.client.connect();
      CompletableFuture<Reply> reply =
          g.client.request("chat/send", "hi", Duration.ofSeconds(5)).toCompletableFuture();
      FakeWire.FakeExchange handshake = g.wire.nextExchange();
      assertThat(handshake.method()).isEqualTo("GET");
      handshake.respond(200, Fixture.HANDSHAKE);

      FakeWire.FakeExchange post = g.wire.nextExchange();
      while (!post.method().equals("POST")) {
        post = g.wire.nextExchange(); // the long-poll may come first
      }
      String ppstr =
          URLDecoder.decode(post.body().replaceFirst(".*&ppstr=", ""), StandardCharsets.UTF_8);
      assertThat(ppstr).isEqualTo("[[\"chat/send\",\"hi\"],\"ajax\"]");
      post.respond(200, "[true,null]");
      assertThat(reply.get().value()).contains(true);
    }
  }

  private CompletableFuture<Reply> request(String id, Object data, long timeoutMillis) {
    return f.client.request(id, data, Duration.ofMillis(timeoutMillis)).toCompletableFuture();
  }

  private static List<Matcher> frames(FakeWire.FakeSocket socket) {
    return Fixture.frames(socket, FRAME);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return Fixture.failure(future);
  }
}
