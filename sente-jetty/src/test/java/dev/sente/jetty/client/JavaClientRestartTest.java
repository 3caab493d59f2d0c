package dev.sente.jetty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sente.client.Backoff;
import dev.sente.client.ClientState;
import dev.sente.client.CloseReason;
import dev.sente.client.Recovery;
import dev.sente.client.SenteClient;
import dev.sente.client.Transport;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import dev.sente.testkit.Closer;
import dev.sente.testkit.client.RecordingClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Java client rides out a server restart on the same port, on both transports. */
class JavaClientRestartTest {

  /** Retries quickly (attempt 1 at once, then 40, 80, 160, 200 ms ...), to keep the test short. */
  static final Backoff FAST =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(200), Backoff.Jitter.NONE);

  @RegisterExtension final Closer closer = new Closer();

  private static SenteServer newServer() {
    SenteServer sente = SenteServer.builder().userId(request -> request.cookie("user")).build();
    sente.on("chat/save", msg -> msg.reply(Map.of("saved", msg.data(String.class))));
    return sente;
  }

  /** Starts a server on the port, retrying the bind while the old socket lets go of it. */
  private JettyServer startOn(int port, SenteServer sente) {
    AtomicReference<JettyServer> started = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              started.set(SenteJetty.server(sente).port(port).start());
              return true;
            });
    return closer.add(started.get());
  }

  @ParameterizedTest
  @EnumSource(names = {"WEBSOCKET", "AJAX"})
  void theClientReconnectsByItselfToAServerRestartedOnTheSamePort(Transport transport) {
    SenteServer sente = newServer();
    JettyServer first = closer.add(SenteJetty.serve(sente, 0));
    int port = first.port();
    RecordingClient alice =
        closer.add(
            RecordingClient.build(
                SenteClient.builder(URI.create("http://localhost:" + port + "/chsk"))
                    .transport(transport)
                    .cookie("user", "alice")
                    .backoff(FAST)));
    assertThat(alice.connect().firstOpen()).isTrue();
    alice.clear();
    if (transport == Transport.AJAX) {
      // the restart, not a poll racing the shutdown: a request caught by a closing Jetty may get
      // no answer, and the client would wait its poll timeout (60 s) to notice
      await().atMost(Duration.ofSeconds(10)).until(() -> sente.endpoint().heldPolls() == 1);
    }

    first.close();

    ClientState.Closed closed = alice.assertState(ClientState.Closed.class);
    assertThat(closed.reason()).isEqualTo(CloseReason.UNEXPECTED);
    assertThat(closed.willReconnect()).isTrue();
    alice.assertState(ClientState.ReconnectScheduled.class);

    SenteServer second = newServer();
    startOn(port, second);

    ClientState.Open open = alice.awaitState(ClientState.Open.class);
    // the restarted server has no log of the old one: the client is told of an unknown gap
    Optional<Recovery> recovery = Optional.of(new Recovery.Gap(OptionalLong.empty()));
    assertThat(open)
        .isEqualTo(
            new ClientState.Open(
                Optional.of("alice"), transport, Optional.empty(), false, recovery));
    alice.assertEvent(Recovery.EVENT_ID);
    assertThat(alice.request("chat/save", "again").value()).contains(Map.of("saved", "again"));
    assertThat(second.send("alice", "chat/line", "welcome back")).isTrue();
    alice.assertEvent("chat/line", "welcome back");
  }
}
