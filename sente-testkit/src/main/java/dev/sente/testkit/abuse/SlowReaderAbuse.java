package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a client that stops reading while the server pushes large events at it. The server must
 * hold at most the user's window ({@link SenteServer.Builder#resumeWindow}) and the one frame in
 * flight for it (observed through {@link SenteServer#backlog()} after every push), close it as a
 * slow consumer, cut its connection at once (a close frame cannot reach a client that does not
 * read), and let its user leave the connected set one grace period after that, while other clients
 * are unaffected.
 */
public abstract class SlowReaderAbuse extends ConformanceTestBase {

  private static final Duration GRACE = Duration.ofMillis(500);
  private static final long BOUND = 1 << 20;
  private static final int PUSH_CHARS = 300 * 1024;
  private static final int PUSHES = 100; // 30 MB: many times the bound plus any socket buffers

  /**
   * The most bytes the frame being written may hold beyond the window, for pushes of {@code
   * pushBytes} each under the byte bound {@code bound}: one push (and its framing) on a server that
   * reports each write as soon as it is done, the default. An adapter whose server reports writes
   * late (Tomcat reports from its own thread pool, so the pushes that came meanwhile share the next
   * frame) overrides it, up to the bound itself, which {@code Backlog} documents for what is being
   * written.
   */
  protected long beingWritten(long bound, int pushBytes) {
    return pushBytes + 64;
  }

  @Test
  void aClientThatStopsReadingIsHeldToTheByteBoundCutAndForgottenAfterItsGrace() {
    ServerFixture server =
        serve(
            builder()
                .maxQueuedBytes(BOUND)
                .resumeWindow(Duration.ofMinutes(2), BOUND)
                .reconnectGrace(GRACE, GRACE));
    StalledWebSocket slow =
        closeAfter(
            StalledWebSocket.open(
                server.webSocketUri("client-id=s1"), server.as("slow").headers()));
    RawWebSocket fast = server.as("bob").connect("c2");
    server.events().await("chsk/uidport-open", "slow");
    server.events().await("chsk/uidport-open", "bob");
    String chunk = "z".repeat(PUSH_CHARS);

    long largest = 0;
    int ticks = 0;
    for (int i = 0; i < PUSHES; i++) {
      server.sente().send("slow", "x/flood", chunk, true);
      largest = Math.max(largest, server.sente().backlog().largestOutboundBytes());
      if (i % 10 == 0) {
        server.sente().send("bob", "x/tick", ticks++, true);
      }
    }
    long pushed = System.nanoTime();

    // never more than the window for the slow client's unread pushes (they wait in the delivery
    // log, not in its socket) plus what is being written
    assertThat(largest).isLessThanOrEqualTo(BOUND + beingWritten(BOUND, PUSH_CHARS));
    // closed during the pushes, so it leaves within one grace period (plus scheduling slack)
    server.events().await("chsk/uidport-close", "slow");
    long leftAfterMillis = (System.nanoTime() - pushed) / 1_000_000;
    assertThat(leftAfterMillis).isLessThan(GRACE.toMillis() + 1500);
    assertThat(server.sente().connectedUsers().any()).containsExactly("bob");
    // the connection was cut, not left waiting for a close handshake: it ends once read
    slow.readUntilClosed(Duration.ofSeconds(5));

    assertNumberedEventsInOrder(fast, "x/tick", ticks);
    assertThat(fast.isOpen()).isTrue();
    assertThat(server.sente().backlog().outboundBytes()).isZero();
  }

  @Test
  void aBatchOfManyLargeEventsIsSplitIntoFramesTheClientAccepts() {
    long maxMessage = 64 * 1024;
    ServerFixture server = serve(builder().maxMessageBytes(maxMessage));
    RawWebSocket ws = server.as("alice").connect("c1");
    String chunk = "y".repeat(20 * 1024);
    for (int i = 0; i < 10; i++) {
      server.sente().send("alice", "x/big", chunk); // one batching window: 200 KB
    }
    StringBuilder all = new StringBuilder();
    int events = 0;
    while (events < 10) {
      String frame = ws.nextFrame();
      assertThat((long) frame.length()).isLessThanOrEqualTo(maxMessage);
      int inFrame = frame.split("x/big", -1).length - 1;
      assertThat(inFrame).isGreaterThan(0);
      events += inFrame;
      all.append(frame);
    }
    assertThat(events).isEqualTo(10);
    assertThat(ws.isOpen()).isTrue();
  }
}
