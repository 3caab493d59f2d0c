package dev.sente.jetty.packers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.EventHandler;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.EventRecorder;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.RunningServer;
import dev.sente.testkit.raw.RawHttp;
import dev.sente.testkit.raw.RawWebSocket;
import java.net.URI;

/**
 * The real Jetty server with a format packer (EDN, Transit) under raw clients: each test builds its
 * server with {@link #builder()} plus the packer, and asserts the exact wire text.
 *
 * <pre>{@code
 * ServerFixture server = serve(builder().packer(EdnPacker.create()));
 * RawWebSocket ws = open(server.as("alice"), "c1", "[[:chsk/handshake [\"alice\" nil nil]] nil]");
 * }</pre>
 */
abstract class PackerServerTestBase extends ConformanceTestBase {

  /** A chat line as the application sees it: written {@code {:text "hi"}}. */
  public record ChatLine(String text) {}

  /** A reply value: written {@code {:ok true}}. */
  public record Ok(boolean ok) {}

  @Override
  protected RunningServer start(SenteServer sente) {
    JettyServer jetty = SenteJetty.serve(sente, 0);
    return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
  }

  /** The client ping with a callback id, in the packer's text. */
  protected abstract String clientPing(String callbackId);

  /** The server's answer to it, in the packer's text. */
  protected abstract String pong(String callbackId);

  /**
   * Opens a WebSocket for a client id and asserts that its first frame is exactly the expected
   * handshake. The engine registers a socket before its handshake goes out, so pushes sent from
   * here on reach it.
   */
  protected RawWebSocket open(Peer peer, String clientId, String expectedHandshake) {
    RawWebSocket ws = peer.webSocket("client-id=" + RawHttp.encode(clientId));
    assertThat(ws.nextFrame()).as("handshake").isEqualTo(expectedHandshake);
    return ws;
  }

  /** A handler that records what it got and replies {@link Ok} when a reply is wanted. */
  static final class OkHandler implements EventHandler {
    final EventRecorder seen = new EventRecorder();

    @Override
    public void handle(EventMessage message) {
      seen.handle(message);
      if (message.wantsReply()) {
        message.reply(new Ok(true));
      }
    }
  }
}
