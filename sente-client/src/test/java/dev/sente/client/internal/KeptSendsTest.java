package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.Reply;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sends and requests made while the client reconnects after having been open are kept, at most
 * {@link SenteClient#MAX_WAITING_REQUESTS}, and go out in call order right after the handshake,
 * before anything the state listeners send; the application can count and drop them.
 */
class KeptSendsTest {

  private static final Pattern FRAME =
      Pattern.compile("^\\[\\[\"([^\"]+)\",(.*)\\],(null|\"([0-9a-f]{6})\")]$");

  private final Fixture f = new Fixture(Transport.WEBSOCKET);

  @AfterEach
  void close() {
    f.close();
  }

  private FakeWire.FakeSocket dropped() {
    FakeWire.FakeSocket socket = f.openWebSocket();
    socket.serverClose(1011);
    assertThat(f.client.state()).isInstanceOf(ClientState.ReconnectScheduled.class);
    return socket;
  }

  private FakeWire.FakeSocket reopen() {
    f.time.advance(0);
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    assertThat(socket.sent()).isEmpty();
    socket.receive(Fixture.HANDSHAKE);
    return socket;
  }

  private CompletableFuture<Reply> request(String id, Object data, long timeoutMillis) {
    return f.client.request(id, data, Duration.ofMillis(timeoutMillis)).toCompletableFuture();
  }

  @Test
  void sendsAndRequestsWhileReconnectingGoOutInCallOrderAfterTheHandshake() throws Exception {
    dropped();
    assertThat(f.client.send("k/one", 1)).isTrue();
    CompletableFuture<Reply> two = request("k/two", 2, 5000);
    assertThat(f.client.send("k/three", 3)).isTrue();
    assertThat(f.client.pending()).isEqualTo(3);

    FakeWire.FakeSocket socket = reopen();

    List<Matcher> frames = frames(socket);
    assertThat(frames).extracting(m -> m.group(1)).containsExactly("k/one", "k/two", "k/three");
    assertThat(frames.get(0).group(3)).isEqualTo("null");
    assertThat(f.client.pending()).isZero();
    socket.receive("[\"ok\",\"" + frames.get(1).group(4) + "\"]");
    assertThat(two.get().value()).contains("ok");
  }

  @Test
  void theKeptFramesGoBeforeWhatTheStateListenersSend() {
    f.client.onState(
        state -> {
          if (state.isOpen()) {
            f.client.send("l/listener", 0);
          }
        });
    dropped();
    f.client.send("k/kept", 1);
    FakeWire.FakeSocket socket = reopen();
    assertThat(frames(socket)).extracting(m -> m.group(1)).startsWith("k/kept", "l/listener");
  }

  @Test
  void aSendWhileTheFirstConnectionIsMadeIsKeptToo() {
    f.client.connect();
    assertThat(f.client.send("k/early", 1)).isTrue();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    assertThat(socket.sent()).isEmpty();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(socket.sent()).containsExactly("[[\"k/early\",1],null]");
  }

  @Test
  void atMostMaxWaitingRequestsAreKeptSendsAndRequestsTogether() {
    dropped();
    List<CompletableFuture<Reply>> kept = new ArrayList<>();
    for (int i = 0; i < SenteClient.MAX_WAITING_REQUESTS; i++) {
      if (i % 2 == 0) {
        assertThat(f.client.send("k/n", i)).isTrue();
      } else {
        kept.add(request("k/n", i, 60_000));
      }
    }
    assertThat(f.client.send("k/n", -1)).isFalse();
    assertThat(failure(request("k/n", -2, 60_000)))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("nothing was sent");
    assertThat(f.client.pending()).isEqualTo(SenteClient.MAX_WAITING_REQUESTS);
    assertThat(kept).noneMatch(CompletableFuture::isDone);

    FakeWire.FakeSocket socket = reopen();
    assertThat(frames(socket))
        .extracting(m -> Integer.parseInt(m.group(2)))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, SenteClient.MAX_WAITING_REQUESTS).boxed().toList());
  }

  @Test
  void aKeptRequestNotSentWithinItsTimeoutFailsAndIsNeverSent() {
    dropped();
    CompletableFuture<Reply> reply = request("k/late", 1, 1000);
    f.client.send("k/send", 2);
    f.time.advance(999);
    assertThat(reply).isNotDone();
    f.time.advance(1);
    assertThat(failure(reply))
        .isInstanceOf(ReplyTimeoutException.class)
        .hasMessageContaining("k/late was not sent");
    assertThat(f.client.pending()).isEqualTo(1);
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(socket.sent()).containsExactly("[[\"k/send\",2],null]");
  }

  @Test
  void dropPendingDropsEverythingKeptAndFailsTheRequests() {
    dropped();
    CompletableFuture<Reply> reply = request("k/req", 1, 60_000);
    f.client.send("k/send", 2);
    assertThat(f.client.dropPending()).isEqualTo(2);
    assertThat(f.client.pending()).isZero();
    assertThat(failure(reply))
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("dropPending");
    assertThat(reopen().sent()).isEmpty();
  }

  @Test
  void disconnectFailsTheKeptRequestsAndDropsTheKeptSends() {
    dropped();
    CompletableFuture<Reply> reply = request("k/req", 1, 60_000);
    f.client.send("k/send", 2);
    f.client.disconnect();
    assertThat(failure(reply)).isInstanceOf(ConnectionClosedException.class);
    assertThat(f.client.pending()).isZero();
    assertThat(f.client.send("k/after", 3)).isFalse();
    f.client.connect();
    FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
    socket.receive(Fixture.HANDSHAKE);
    assertThat(socket.sent()).isEmpty();
  }

  @Test
  void onAjaxKeptSendsArePostedInOrderAfterTheHandshake() {
    try (Fixture g = new Fixture(Transport.AJAX)) {
      FakeWire.FakeExchange poll = g.openAjax();
      poll.fail(new java.net.ConnectException("refused"));
      assertThat(g.client.send("k/one", 1)).isTrue();
      assertThat(g.client.send("k/two", 2)).isTrue();
      g.time.advance(0);
      g.wire.nextExchange().respond(200, Fixture.HANDSHAKE);
      List<String> posted = new ArrayList<>();
      while (g.wire.pendingExchanges() > 0) {
        FakeWire.FakeExchange e = g.wire.nextExchange();
        if (e.method().equals("POST")) {
          posted.add(java.net.URLDecoder.decode(e.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      assertThat(posted).hasSize(2);
      assertThat(posted.get(0)).endsWith("ppstr=[[\"k/one\",1],null]");
      assertThat(posted.get(1)).endsWith("ppstr=[[\"k/two\",2],null]");
    }
  }

  private static List<Matcher> frames(FakeWire.FakeSocket socket) {
    return Fixture.frames(socket, FRAME);
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return Fixture.failure(future);
  }
}
