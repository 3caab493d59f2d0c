package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.EventMessage;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Conformance: application handlers that fail (EventHandler's contract). A handler that throws
 * reaches the error hook, and a client that wanted a reply gets {@code chsk/error}; a handler that
 * blocks holds only its own connection's later events, never pushes, pings or other connections,
 * and an Ajax client waiting for its reply gets {@code chsk/timeout}.
 */
public abstract class HandlerFailureConformance extends ConformanceTestBase {

  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<String> failedEvents = new CopyOnWriteArrayList<>();

  private ServerFixture failingServer() {
    ServerFixture server =
        serve(
            builder()
                .longPollTimeout(Duration.ofMillis(500))
                .onError(
                    (error, message) -> {
                      errors.add(error);
                      failedEvents.add(message.map(EventMessage::id).orElse("none"));
                    }));
    server
        .sente()
        .on(
            "a/boom",
            message -> {
              throw new IllegalStateException("boom " + message.data().orElse(null));
            });
    server.sente().on("a/b", message -> message.reply(Map.of("ok", 1)));
    return server;
  }

  @Test
  void throwingHandlerRepliesChskErrorOnWebSocketAndCallsTheErrorHook() {
    ServerFixture server = failingServer();
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/boom\",1],\"cb0001\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"chsk/error\",\"cb0001\"]");
    eventually().until(() -> !errors.isEmpty());
    assertThat(errors.get(0)).isInstanceOf(IllegalStateException.class).hasMessage("boom 1");
    assertThat(failedEvents).containsExactly("a/boom");
    ws.send("[[\"a/b\",1],\"cb0002\"]");
    assertThat(ws.nextFrame()).isEqualTo("[{\"ok\":1},\"cb0002\"]");
  }

  @Test
  void throwingHandlerRepliesChskErrorOnAjax() {
    ServerFixture server = failingServer();

    RawResponse response = server.as("alice").send("c3", "[[\"a/boom\",2],\"ajax\"]");
    RawResponse next = server.as("alice").send("c3", "[[\"a/b\",1],\"ajax\"]");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("[\"chsk/error\",null]");
    assertThat(next.body()).isEqualTo("[{\"ok\":1},null]");
    eventually().until(() -> failedEvents.contains("a/boom"));
  }

  @Test
  void throwingHandlerWithoutCallbackSendsNothing() {
    ServerFixture server = failingServer();
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/boom\",3],null]");
    eventually().until(() -> failedEvents.contains("a/boom"));
    ws.send("[[\"chsk/ws-ping\"],\"m1m1m1\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"m1m1m1\"]");
    assertThat(ws.isOpen()).isTrue();
  }

  @Test
  void handlerThatRepliedBeforeThrowingSendsOnlyItsReply() {
    ServerFixture server = failingServer();
    server
        .sente()
        .on(
            "a/late-boom",
            message -> {
              message.reply("done");
              throw new IllegalStateException("after the reply");
            });
    RawWebSocket ws = server.as("alice").connect("c1");

    ws.send("[[\"a/late-boom\",1],\"cb0003\"]");
    assertThat(ws.nextFrame()).isEqualTo("[\"done\",\"cb0003\"]");
    eventually().until(() -> failedEvents.contains("a/late-boom"));
    ws.send("[[\"chsk/ws-ping\"],\"m1m1m1\"]");

    assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"m1m1m1\"]");
  }

  @Test
  void blockedHandlerHoldsOnlyItsOwnConnection() {
    ServerFixture server = failingServer();
    CountDownLatch release = new CountDownLatch(1);
    closeAfter((AutoCloseable) release::countDown);
    server.sente().on("a/block", message -> release.await());
    RawWebSocket alice = server.as("alice").connect("c1");
    RawWebSocket bob = server.as("bob").connect("c2");

    alice.send("[[\"a/block\",1],null]");
    bob.send("[[\"a/b\",1],\"cb0004\"]");
    assertThat(bob.nextFrame()).isEqualTo("[{\"ok\":1},\"cb0004\"]");

    server.sente().send("alice", "x/a", 1, true);
    assertThat(alice.nextFrame()).isEqualTo("[[[\"x/a\",1]],null]");
    alice.send("[[\"chsk/ws-ping\"],\"p1p1p1\"]");
    assertThat(alice.nextFrame()).isEqualTo("[\"pong\",\"p1p1p1\"]");
    CompletableFuture<RawResponse> ajax =
        server.as("carol").sendAsync("c5", "[[\"a/block\",2],\"ajax\"]");
    assertThat(RawHttp.join(ajax).body()).isEqualTo("[\"chsk/timeout\",null]");
  }
}
