package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resume extension on WebSocket (docs/protocol.md, "Extensions / Resume"): granted only when
 * asked, pushes numbered in the user's stream, replay after the client's cursor on reconnect, gaps
 * with their count or unknown, and the plain wire text for a client that does not ask.
 */
class WebSocketResumeTest {
  private static final String PLAIN_HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";
  private static final String GRANT_PREFIX =
      "[[\"chsk/handshake\",[\"alice\",null,null]],null,{\"ext\":[\"resume\"],\"epoch\":\"";
  private static final Pattern EPOCH =
      Pattern.compile(Pattern.quote(GRANT_PREFIX) + "([A-Za-z0-9_-]{8})\",\"seq\":0}]");

  private final EngineFixture fixture = new EngineFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  private void start() {
    fixture.start(SenteServer.builder());
  }

  private void push(String user, int n) {
    fixture.sente.send(user, "x/a", n, true);
  }

  private static String frame(int from, int to, long seq) {
    StringBuilder out = new StringBuilder("[[");
    for (int i = from; i <= to; i++) {
      out.append(i > from ? "," : "").append("[\"x/a\",").append(i).append(']');
    }
    return out.append("],null,{\"seq\":").append(seq).append("}]").toString();
  }

  private static String epochOf(String handshake) {
    Matcher m = EPOCH.matcher(handshake);
    assertThat(m.matches()).as("a fresh grant: %s", handshake).isTrue();
    return m.group(1);
  }

  private static String grant(String epoch, long seq, String rest) {
    return GRANT_PREFIX + epoch + "\",\"seq\":" + seq + rest + "}]";
  }

  @Test
  void aClientThatDoesNotAskGetsThePlainWireText() {
    start();
    FakeExchange.FakeSocket socket = fixture.openSocket("alice", "c1");
    push("alice", 1);
    assertThat(socket.frames()).containsExactly(PLAIN_HANDSHAKE, "[[[\"x/a\",1]],null]");
  }

  @Test
  void grantedWhenAskedAndPushesCarryTheirNumber() {
    start();
    FakeExchange.FakeSocket socket = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    List<String> frames = socket.frames();
    assertThat(frames).hasSize(3);
    epochOf(frames.get(0));
    assertThat(frames.subList(1, 3)).containsExactly(frame(1, 1, 1), frame(2, 2, 2));
  }

  @Test
  void notGrantedWhenTheServerTurnedResumeOff() {
    fixture.start(SenteServer.builder().resume(false));
    FakeExchange.FakeSocket socket = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    assertThat(socket.frames()).containsExactly(PLAIN_HANDSHAKE, "[[[\"x/a\",1]],null]");
  }

  @Test
  void aReconnectGetsTheEventsAfterItsCursorBeforeAnyNewerPush() {
    start();
    FakeExchange.FakeSocket first = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    push("alice", 3);
    String epoch = epochOf(first.frames().get(0));
    first.close(1006, "cut");
    push("alice", 4); // in the grace period
    push("alice", 5);

    FakeExchange.FakeSocket second =
        fixture.openSocketWith("alice", "client-id=c1&ext=resume&epoch=" + epoch + "&seq=1");
    push("alice", 6);
    assertThat(second.frames())
        .containsExactly(grant(epoch, 1, ",\"recovered\":true"), frame(2, 5, 5), frame(6, 6, 6));
  }

  @Test
  void aCursorOlderThanTheWindowGetsTheGapCountThenTheKeptEvents() {
    fixture.start(SenteServer.builder().resumeWindow(Duration.ofSeconds(1), 1 << 20));
    FakeExchange.FakeSocket first = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    push("alice", 3);
    String epoch = epochOf(first.frames().get(0));
    first.close(1006, "cut");
    fixture.time.advance(1000); // 1 to 3 age out
    push("alice", 4);
    push("alice", 5);

    FakeExchange.FakeSocket second =
        fixture.openSocketWith("alice", "client-id=c1&ext=resume&epoch=" + epoch + "&seq=1");
    assertThat(second.frames())
        .containsExactly(grant(epoch, 3, ",\"recovered\":false,\"gap\":2"), frame(4, 5, 5));
  }

  @Test
  void aCursorOfAnotherEpochFromTheFutureMalformedOrNegativeGetsAnUnknownGap() {
    start();
    FakeExchange.FakeSocket first = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    String epoch = epochOf(first.frames().get(0));
    String other = epoch.equals("AAAAAAAA") ? "BBBBBBBB" : "AAAAAAAA";
    int client = 2;
    for (String cursor :
        List.of(
            "epoch=" + other + "&seq=1",
            "epoch=" + epoch + "&seq=3",
            "epoch=" + epoch + "&seq=x1",
            "epoch=" + epoch + "&seq=-1",
            "epoch=" + epoch)) {
      FakeExchange.FakeSocket socket =
          fixture.openSocketWith("alice", "client-id=c" + client++ + "&ext=resume&" + cursor);
      assertThat(socket.frames())
          .as(cursor)
          .containsExactly(grant(epoch, 2, ",\"recovered\":false,\"gap\":null"));
    }
  }

  @Test
  void aCursorNeverReadsAnotherUsersStream() {
    start();
    FakeExchange.FakeSocket alice = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    String epoch = epochOf(alice.frames().get(0));

    FakeExchange.FakeSocket bob =
        fixture.openSocketWith("bob", "client-id=c2&ext=resume&epoch=" + epoch + "&seq=0");
    List<String> frames = bob.frames();
    assertThat(frames).hasSize(1);
    assertThat(frames.get(0))
        .startsWith("[[\"chsk/handshake\",[\"bob\",null,null]],null,{\"ext\":[\"resume\"]")
        .endsWith(",\"seq\":0,\"recovered\":false,\"gap\":null}]")
        .doesNotContain("\"epoch\":\"" + epoch + "\"");
  }

  @Test
  void twoSocketsOfTheUserAtTheSameCursorPackTheirFrameOnce() {
    start();
    FakeExchange.FakeSocket a = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    FakeExchange.FakeSocket b = fixture.openSocketWith("alice", "client-id=c2&ext=resume");
    push("alice", 1);
    assertThat(a.frames().get(1)).isEqualTo(frame(1, 1, 1));
    assertThat(b.frames().get(1)).isEqualTo(frame(1, 1, 1));
    DeliveryLog.Stats stats = ((Engine) fixture.sente).log().stats();
    assertThat(stats.packedMisses()).isEqualTo(1);
    assertThat(stats.packedHits()).isEqualTo(1);
  }

  @Test
  void aPlainSocketOfTheSameUserKeepsThePlainFramesBesideAResumeOne() {
    start();
    FakeExchange.FakeSocket resumed = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    FakeExchange.FakeSocket plain = fixture.openSocket("alice", "c2");
    push("alice", 1);
    assertThat(resumed.frames().get(1)).isEqualTo(frame(1, 1, 1));
    assertThat(plain.frames()).containsExactly(PLAIN_HANDSHAKE, "[[[\"x/a\",1]],null]");
  }

  @Test
  void theStreamStaysThroughTheGracePeriodAndLeavesWithTheForgottenClient() {
    start();
    FakeExchange.FakeSocket first = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    String epoch = epochOf(first.frames().get(0));
    DeliveryLog log = ((Engine) fixture.sente).log();
    first.close(1006, "cut");
    assertThat(log.stats().streams()).as("kept for the reconnect").isEqualTo(1);

    FakeExchange.FakeSocket second =
        fixture.openSocketWith("alice", "client-id=c1&ext=resume&epoch=" + epoch + "&seq=0");
    assertThat(second.frames())
        .as("no event yet, and still recovered")
        .containsExactly(grant(epoch, 0, ",\"recovered\":true"));
    second.close(1006, "cut");
    fixture.time.advance(SenteServer.Builder.DEFAULT_WEBSOCKET_GRACE.toMillis());
    assertThat(log.stats().streams()).as("the client is forgotten").isZero();
  }

  @Test
  void aStreamNobodyTouchesLeavesOnceItsEventsAgeOut() {
    start();
    FakeExchange.FakeSocket socket = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    socket.close(1006, "cut");
    fixture.time.advance(SenteServer.Builder.DEFAULT_WEBSOCKET_GRACE.toMillis());
    DeliveryLog log = ((Engine) fixture.sente).log();
    assertThat(log.stats().streams()).as("its event is still in the window").isEqualTo(1);

    long age = SenteServer.Builder.DEFAULT_RESUME_MAX_AGE.toMillis();
    fixture.time.advance(age + age / LogWindow.BUCKETS_PER_WINDOW); // the sweep's granularity
    assertThat(log.stats().streams()).as("swept without any other append").isZero();
    assertThat(log.stats().bytes()).isZero();
  }

  @Test
  void eventsPushedAfterTheGracePeriodAreStillInTheWindowForTheReconnect() {
    start();
    FakeExchange.FakeSocket first = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    String epoch = epochOf(first.frames().get(0));
    first.close(1006, "cut");
    fixture.time.advance(SenteServer.Builder.DEFAULT_WEBSOCKET_GRACE.toMillis());
    assertThat(fixture.sente.connectedUsers().any()).as("forgotten").doesNotContain("alice");
    assertThat(fixture.sente.send("alice", "x/a", 2, true)).as("no client connected").isFalse();

    FakeExchange.FakeSocket second =
        fixture.openSocketWith("alice", "client-id=c1&ext=resume&epoch=" + epoch + "&seq=1");
    assertThat(second.frames())
        .containsExactly(grant(epoch, 1, ",\"recovered\":true"), frame(2, 2, 2));
  }
}
