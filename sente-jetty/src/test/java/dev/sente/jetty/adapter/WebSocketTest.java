package dev.sente.jetty.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.core.Packed;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.WebSocketChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeEndpoint endpoint = new FakeEndpoint();
  private final HttpClient http = HttpClient.newHttpClient();
  private JettyServer server;
  private RecordingListener listener;

  @BeforeEach
  void start() {
    server = SenteJetty.server(new FakeSente(endpoint)).host("localhost").port(0).start();
    listener = new RecordingListener(WebSocketTest::echo);
    endpoint.behave(exchange -> exchange.upgrade(FakeEndpoint.MAX_BYTES, listener));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void echo(WebSocketChannel channel, Packed message) {
    channel.send(
        message,
        new WebSocketChannel.WriteCallback() {
          @Override
          public void succeeded() {}

          @Override
          public void failed(Throwable cause) {}
        });
  }

  private URI wsUri() {
    return URI.create("ws://localhost:" + server.port() + "/chsk?client-id=c1");
  }

  @Test
  void textAndBinaryMessagesGoThroughTheSpiBothWays() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());

    client.socket.sendText("[\"chat/send\",\"héllo\"]", true).get(5, TimeUnit.SECONDS);
    client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> client.received.size() == 2);
    assertThat(client.received.get(0)).isEqualTo("[\"chat/send\",\"héllo\"]");
    assertThat((byte[]) client.received.get(1)).containsExactly(1, 2, 3);
    assertThat(listener.messages.get(0)).isEqualTo(Packed.text("[\"chat/send\",\"héllo\"]"));
    assertThat(listener.messages.get(1)).isInstanceOf(Packed.Binary.class);
    assertThat(listener.events).startsWith("open", "text", "binary");
    HttpExchange exchange = endpoint.exchanges.poll();
    assertThat(exchange.isWebSocketUpgrade()).isTrue();
    assertThat(exchange.clientId()).contains("c1");
  }

  @Test
  void messagesArriveInOrderAndNeverInParallel() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    List<String> sent = new ArrayList<>();

    for (int i = 0; i < 200; i++) {
      String message = "m" + i;
      sent.add(message);
      client.socket.sendText(message, true).get(5, TimeUnit.SECONDS);
    }

    await().atMost(WAIT).until(() -> client.received.size() == 200);
    assertThat(client.received).containsExactlyElementsOf(sent);
    assertThat(listener.overlapped).isFalse();
  }

  @Test
  void aMessageOverTheLimitClosesTheSocketWith1009() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());

    client.socket.sendText("x".repeat((int) FakeEndpoint.MAX_BYTES + 1), true);

    assertThat(client.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
    await().atMost(WAIT).until(() -> listener.closes.get() == 1);
    assertThat(listener.events).endsWith("close 1009");
    assertThat(listener.messages).isEmpty();
    assertThat(listener.channel.isOpen()).isFalse();
  }

  @Test
  void aMessageJustUnderTheLimitIsAccepted() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    String big = "y".repeat((int) FakeEndpoint.MAX_BYTES);

    client.socket.sendText(big, true).get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> client.received.size() == 1);
    assertThat(client.received.get(0)).isEqualTo(big);
  }

  @Test
  void theEngineClosesWithACodeAndReasonAndHearsTheCloseOnce() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    await().atMost(WAIT).until(() -> listener.channel != null);

    listener.channel.close(4000, "bye");

    assertThat(client.closeCode.get(5, TimeUnit.SECONDS)).isEqualTo(4000);
    assertThat(client.closeReason).isEqualTo("bye");
    await().atMost(WAIT).until(() -> listener.closes.get() == 1);
    assertThat(listener.channel.isOpen()).isFalse();
    listener.channel.close(1000, "again");
    assertThat(listener.closes).hasValue(1);
  }

  @Test
  void aClientCloseIsHeardOnceAndLaterSendsFail() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    await().atMost(WAIT).until(() -> listener.channel != null);

    client.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> listener.closes.get() == 1);
    assertThat(listener.events).containsExactly("open", "close 1000");
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    listener.channel.send(
        Packed.text("late"),
        new WebSocketChannel.WriteCallback() {
          @Override
          public void succeeded() {
            failure.complete(null);
          }

          @Override
          public void failed(Throwable cause) {
            failure.complete(cause);
          }
        });
    assertThat(failure.get(5, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void anAbruptDisconnectIsHeardOnce() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    await().atMost(WAIT).until(() -> listener.channel != null);

    client.socket.abort();

    await().atMost(WAIT).until(() -> listener.closes.get() == 1);
    assertThat(listener.events).first().isEqualTo("open");
    assertThat(listener.events).last().asString().startsWith("close ");
  }

  @Test
  void upgradingARequestThatIsNoWebSocketAnswers400AndReportsAClose() throws Exception {
    AtomicReference<Boolean> wasUpgrade = new AtomicReference<>();
    endpoint.behave(
        exchange -> {
          wasUpgrade.set(exchange.isWebSocketUpgrade());
          exchange.upgrade(FakeEndpoint.MAX_BYTES, listener);
        });

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/chsk")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(wasUpgrade.get()).isFalse();
    assertThat(listener.events).containsExactly("close 1006");
  }

  @Test
  void aPauseDuringADeliveryHoldsTheNextMessagesUntilResumedFromAnotherThread() throws Exception {
    RecordingListener pausing =
        new RecordingListener(
            (channel, message) -> {
              if (message.equals(Packed.text("m0"))) {
                channel.pauseReading();
              }
            });
    endpoint.behave(exchange -> exchange.upgrade(FakeEndpoint.MAX_BYTES, pausing));
    WsClient client = WsClient.connect(http, wsUri());
    for (int i = 0; i < 3; i++) {
      client.socket.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
    }

    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> pausing.messages.size() == 1);

    Thread resumer = new Thread(() -> pausing.channel.resumeReading());
    resumer.start();
    resumer.join(5000);
    await().atMost(WAIT).until(() -> pausing.messages.size() == 3);
    assertThat(pausing.messages)
        .containsExactly(Packed.text("m0"), Packed.text("m1"), Packed.text("m2"));
    pausing.channel.resumeReading(); // not paused: nothing happens
    client.socket.sendText("m3", true).get(5, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> pausing.messages.size() == 4);
    assertThat(pausing.overlapped).isFalse();
  }

  @Test
  void aResumeBeforeThePausingDeliveryReturnedKeepsReading() throws Exception {
    RecordingListener pausing =
        new RecordingListener(
            (channel, message) -> {
              channel.pauseReading();
              channel.resumeReading(); // as a handler queue that drained at once would
            });
    endpoint.behave(exchange -> exchange.upgrade(FakeEndpoint.MAX_BYTES, pausing));
    WsClient client = WsClient.connect(http, wsUri());
    for (int i = 0; i < 20; i++) {
      client.socket.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
    }
    await().atMost(WAIT).until(() -> pausing.messages.size() == 20);
  }

  @Test
  void protocolPingsAreAnsweredAndReadingGoesOnAfterThem() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    CompletableFuture<ByteBuffer> pong = new CompletableFuture<>();
    client.onPong = pong::complete;

    client.socket.sendPing(ByteBuffer.wrap(new byte[] {7})).get(5, TimeUnit.SECONDS);
    assertThat(pong.get(5, TimeUnit.SECONDS).get(0)).isEqualTo((byte) 7);
    client.socket.sendText("after the ping", true).get(5, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> client.received.size() == 1);
    assertThat(client.received.get(0)).isEqualTo("after the ping");
  }

  @Test
  void disconnectCutsTheConnectionAtOnceAndTheCloseIsHeardOnce() throws Exception {
    WsClient client = WsClient.connect(http, wsUri());
    await().atMost(WAIT).until(() -> listener.channel != null);

    listener.channel.disconnect();

    await().atMost(WAIT).until(() -> client.closeCode.isDone());
    await().atMost(WAIT).until(() -> listener.closes.get() == 1);
    assertThat(listener.channel.isOpen()).isFalse();
    listener.channel.disconnect(); // already closed: nothing happens
    assertThat(listener.closes.get()).isEqualTo(1);
  }
}
