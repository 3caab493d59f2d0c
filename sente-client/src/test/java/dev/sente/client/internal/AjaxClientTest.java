package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.ConnectionClosedException;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Reply;
import dev.sente.client.ReplyErrorException;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.Transport;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AjaxClientTest {

  private final Fixture f = new Fixture(Transport.AJAX, b -> b.csrfToken("tok").param("room", "1"));

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void theHandshakeGetCarriesTheFlagTokenAndOriginAndOpensTheClient() {
    CompletableFuture<ClientState.Open> connected = f.client.connect().toCompletableFuture();
    FakeWire.FakeExchange handshake = f.wire.nextExchange();

    assertThat(handshake.method()).isEqualTo("GET");
    assertThat(handshake.query())
        .matches(
            "room=1&udt=\\d+&client-id=c1&handshake%3F=1&ext=resume&cepoch=[\\w-]{12}&cfrom=1");
    assertThat(handshake.request.headers())
        .containsEntry("X-CSRF-Token", "tok")
        .containsEntry("X-Requested-With", "XMLHTTPRequest")
        .containsEntry("Origin", "http://localhost:8080");
    assertThat(f.client.state()).isEqualTo(new ClientState.Connecting(Transport.AJAX, 0));

    handshake.respond(200, Fixture.HANDSHAKE);

    assertThat(connected)
        .isCompletedWithValue(
            new ClientState.Open(Optional.of("alice"), Transport.AJAX, Optional.empty(), true));
    FakeWire.FakeExchange poll = f.wire.nextExchange();
    assertThat(poll.query())
        .matches("room=1&udt=\\d+&client-id=c1&ext=resume&cepoch=[\\w-]{12}&cfrom=1");
  }

  @Test
  void aPollTimeoutIsIgnoredAndThePollRepeatsAtOnce() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeStates();
    f.takeEventIds();

    poll.respond(200, "[\"chsk/timeout\",null]");

    assertThat(f.wire.nextExchange().query()).doesNotContain("handshake");
    assertThat(f.takeStates()).isEmpty();
    assertThat(f.takeEventIds()).isEmpty();
  }

  @Test
  void aPushAnswersThePollAndTheNextPollFollows() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeEventIds();

    poll.respond(200, "[[[\"x/a\",1],[\"x/b\",2]],null]");

    assertThat(f.events).extracting(IncomingEvent::id).containsExactly("x/a", "x/b");
    assertThat(f.wire.nextExchange().method()).isEqualTo("GET");
  }

  @Test
  void aClientSideHttpTimeoutRepollsWithoutChangingTheState() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeStates();

    poll.fail(new HttpTimeoutException("request timed out"));

    assertThat(f.wire.nextExchange().query()).doesNotContain("handshake");
    assertThat(f.takeStates()).isEmpty();
  }

  @Test
  void sendPostsAFormWithUdtClientIdAndThePackedFrame() {
    f.openAjax();

    assertThat(f.client.send("chat/send", Map.of("text", "hi & bye"))).isTrue();

    FakeWire.FakeExchange post = f.wire.nextExchange();
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.request.uri().toString()).isEqualTo(Fixture.ENDPOINT + "?ext=resume");
    assertThat(post.request.headers())
        .containsEntry("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
        .containsEntry("X-CSRF-Token", "tok");
    assertThat(post.body()).matches("udt=\\d+&client-id=c1&ppstr=.*");
    String ppstr = post.body().replaceFirst(".*&ppstr=", "");
    assertThat(ppstr).doesNotContain("+");
    assertThat(URLDecoder.decode(ppstr, StandardCharsets.UTF_8))
        .isEqualTo("[[\"chat/send\",{\"text\":\"hi & bye\"}],null]");
    post.respond(200, "[\"chsk/dummy-cb-200\",null]");
  }

  @Test
  void aRequestPostsTheAjaxMarkerAndTheResponseIsTheReply() throws Exception {
    f.openAjax();

    CompletableFuture<Reply> reply =
        f.client.request("chat/send", "hi", Duration.ofSeconds(5)).toCompletableFuture();
    FakeWire.FakeExchange post = f.wire.nextExchange();
    String ppstr =
        URLDecoder.decode(post.body().replaceFirst(".*&ppstr=", ""), StandardCharsets.UTF_8);
    assertThat(ppstr).isEqualTo("[[\"chat/send\",\"hi\"],\"ajax\"]");
    post.respond(200, "[{\"ok\":true},null]");

    assertThat(reply.get().value()).contains(Map.of("ok", true));
  }

  @Test
  void theServersAjaxTimeoutAndHttpErrorsFailTheRequestWithTypedExceptions() {
    f.openAjax();
    CompletableFuture<Reply> timedOut =
        f.client.request("a/b", 1, Duration.ofSeconds(5)).toCompletableFuture();
    f.wire.nextExchange().respond(200, "[\"chsk/timeout\",null]");
    CompletableFuture<Reply> failed =
        f.client.request("a/b", 1, Duration.ofSeconds(5)).toCompletableFuture();
    f.wire.nextExchange().respond(500, "boom");

    assertThat(timedOut)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ReplyTimeoutException.class);
    assertThat(failed)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            ReplyErrorException.class, e -> assertThat(e.status()).hasValue(500));
    assertThat(f.client.state().isOpen()).isTrue();
  }

  @Test
  void aRequestTimeoutCancelsThePost() {
    f.openAjax();
    CompletableFuture<Reply> reply =
        f.client.request("a/b", 1, Duration.ofSeconds(2)).toCompletableFuture();
    FakeWire.FakeExchange post = f.wire.nextExchange();
    assertThat(post.request.timeout()).isEqualTo(Duration.ofSeconds(7));

    f.time.advance(2_000);

    assertThat(reply).isCompletedExceptionally();
    assertThat(post.isCancelled()).isTrue();
  }

  @Test
  void a403OnThePollClosesAsRejectedAndRetriesWithTheHandshakeFlag() {
    FakeWire.FakeExchange poll = f.openAjax();
    CompletableFuture<Reply> reply =
        f.client.request("a/b", 1, Duration.ofSeconds(5)).toCompletableFuture();
    f.takeStates();

    poll.respond(403, "Bad CSRF token");

    assertThat(f.takeStates().get(0))
        .isEqualTo(
            new ClientState.Closed(
                CloseReason.REJECTED, OptionalInt.of(403), "HTTP 403: Bad CSRF token", true));
    assertThat(reply)
        .failsWithin(Duration.ZERO)
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    FakeWire.FakeExchange post = f.wire.nextExchange();
    assertThat(post.isCancelled()).isTrue();
    f.time.advance(0); // attempt 1: at once
    assertThat(f.wire.nextExchange().query()).contains("handshake%3F=1");
  }

  @Test
  void aNetworkErrorOnThePollClosesAsUnexpected() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeStates();

    poll.fail(new java.net.ConnectException("Connection refused"));

    assertThat(f.takeStates().get(0))
        .isInstanceOfSatisfying(
            ClientState.Closed.class,
            c -> assertThat(c.reason()).isEqualTo(CloseReason.UNEXPECTED));
  }

  @Test
  void anUnreadablePollResponseClosesWithError() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeStates();

    poll.respond(200, "<html>proxy error</html>");

    assertThat(f.takeStates().get(0))
        .isInstanceOfSatisfying(
            ClientState.Closed.class, c -> assertThat(c.reason()).isEqualTo(CloseReason.ERROR));
  }

  @Test
  void aHandshakeOnAPollWithTheSameUserKeepsTheStateAndANewUserChangesIt() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.takeStates();

    poll.respond(200, Fixture.HANDSHAKE);
    assertThat(f.takeStates()).isEmpty();
    f.wire.nextExchange().respond(200, "[[\"chsk/handshake\",[\"bob\",null,null]],null]");

    assertThat(f.takeStates())
        .containsExactly(
            new ClientState.Open(Optional.of("bob"), Transport.AJAX, Optional.empty(), false));
  }

  @Test
  void disconnectCancelsThePoll() {
    FakeWire.FakeExchange poll = f.openAjax();
    f.client.disconnect();
    assertThat(poll.isCancelled()).isTrue();
    assertThat(f.wire.pendingExchanges()).isZero();
    assertThat(f.time.pending()).isZero();
  }
}
