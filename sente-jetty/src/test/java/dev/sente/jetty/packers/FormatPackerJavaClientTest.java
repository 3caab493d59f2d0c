package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.Reply;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.core.Keyword;
import dev.sente.core.Packer;
import dev.sente.edn.EdnPacker;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.client.RecordingClient;
import dev.sente.testkit.conformance.EventRecorder;
import dev.sente.transit.TransitPacker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java client with the EDN and the Transit packer against the real Jetty server with the same
 * packer, on both transports: connect (user id and handshake data), request and reply with typed
 * data, pushes received. Keywords are the shared {@link Keyword} on both sides with both packers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FormatPackerJavaClientTest {

  /** A chat line: written {@code {:text "hi"}}. */
  public record ChatLine(String text) {}

  /** A saved line: the reply. */
  public record Saved(String text, boolean ok) {}

  private JettyServer jetty;
  private SenteServer sente;
  private final EventRecorder sent = new EventRecorder();

  static Stream<Arguments> packersAndTransports() {
    Supplier<Packer> edn = EdnPacker::create;
    Supplier<Packer> transit = TransitPacker::create;
    return Stream.of(
        Arguments.of("edn", edn, Transport.WEBSOCKET),
        Arguments.of("edn", edn, Transport.AJAX),
        Arguments.of("transit", transit, Transport.WEBSOCKET),
        Arguments.of("transit", transit, Transport.AJAX));
  }

  private RecordingClient start(Supplier<Packer> packers, Transport transport) {
    sente =
        SenteServer.builder()
            .packer(packers.get())
            .userId(request -> request.header("X-User"))
            .handshakeData(request -> Map.of(Keyword.of("role"), Keyword.of("admin")))
            .build();
    sente.on(
        "chat/send",
        message -> {
          sent.handle(message);
          ChatLine line = message.data(ChatLine.class);
          message.reply(new Saved(line.text(), true));
        });
    jetty = SenteJetty.serve(sente, 0);
    return RecordingClient.build(
        SenteClient.builder(jetty.uri().resolve("/chsk"))
            .packer(packers.get())
            .transport(transport)
            .header("X-User", "alice")
            .backoff(attempt -> Duration.ofMillis(50)));
  }

  @AfterEach
  void stop() {
    if (jetty != null) {
      jetty.close();
    }
  }

  @ParameterizedTest(name = "{0} over {2}")
  @MethodSource("packersAndTransports")
  void clientConnectsRequestsAndReceivesPushes(
      String name, Supplier<Packer> packers, Transport transport) {
    try (RecordingClient alice = start(packers, transport)) {
      ClientState.Open open = alice.connect();

      assertThat(open.userId()).contains("alice");
      assertThat(open.transport()).isEqualTo(transport);
      assertThat(open.handshakeData()).contains(Map.of(Keyword.of("role"), Keyword.of("admin")));

      Reply reply = alice.request("chat/send", new ChatLine("hi"));

      assertThat(reply.as(Saved.class)).isEqualTo(new Saved("hi", true));
      assertThat(reply.value()).contains(Map.of(Keyword.of("text"), "hi", Keyword.of("ok"), true));
      EventMessage received = sent.await("chat/send");
      assertThat(received.id()).isEqualTo("chat/send");
      assertThat(received.userId()).isEqualTo("alice");
      assertThat(received.data()).contains(Map.of(Keyword.of("text"), "hi"));
      assertThat(received.transport().name()).isEqualTo(transport.name());

      assertThat(sente.send("alice", "chat/msg", new ChatLine("pushed"))).isTrue();
      assertThat(sente.send("alice", "chat/typing", "bob", true)).isTrue();

      alice.assertEvent("chat/msg", ChatLine.class, new ChatLine("pushed"));
      alice.assertEvent("chat/typing", "bob");
      assertThat(alice.client().state()).isInstanceOf(ClientState.Open.class);
    }
  }
}
