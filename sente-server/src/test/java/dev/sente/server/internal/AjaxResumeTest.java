package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resume extension on Ajax (docs/protocol.md, "Extensions / Resume"): granted at the Ajax
 * handshake when asked, every poll answered with what lies after the cursor it names (so an answer
 * lost in flight is sent again), held polls answered by the next push, gaps reported in the poll's
 * answer, and the user's stream shared with the user's WebSockets.
 */
class AjaxResumeTest {
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

  /** The Ajax handshake of alice's client asking resume; returns the granted epoch. */
  private String handshake(String client) {
    FakeExchange get = fixture.ajaxGet("alice", client + "&ext=resume", true);
    Matcher m = EPOCH.matcher(get.responseBody);
    assertThat(m.matches()).as("a fresh grant: %s", get.responseBody).isTrue();
    return m.group(1);
  }

  private FakeExchange poll(String user, String client, String epoch, long seq) {
    return fixture.ajaxGet(user, client + "&ext=resume&epoch=" + epoch + "&seq=" + seq, false);
  }

  /** What a poll was answered with: at once, or by a push while held. */
  private static String answer(FakeExchange poll) {
    return poll.responseBody != null ? poll.responseBody : poll.poll.body;
  }

  @Test
  void grantedAtTheAjaxHandshakeWhenAskedAndNotOtherwise() {
    start();
    handshake("c1");
    assertThat(fixture.ajaxGet("alice", "c2", true).responseBody).isEqualTo(PLAIN_HANDSHAKE);
  }

  @Test
  void notGrantedWhenTheServerTurnedResumeOff() {
    fixture.start(SenteServer.builder().resume(false));
    assertThat(fixture.ajaxGet("alice", "c1&ext=resume", true).responseBody)
        .isEqualTo(PLAIN_HANDSHAKE);
  }

  @Test
  void aHeldPollIsAnsweredByThePushWithItsNumber() {
    start();
    String epoch = handshake("c1");
    FakeExchange held = poll("alice", "c1", epoch, 0);
    assertThat(answer(held)).isNull();
    push("alice", 1);
    assertThat(answer(held)).isEqualTo(frame(1, 1, 1));
  }

  @Test
  void aPollAnswerLostInFlightIsSentAgainWithWhatCameSince() {
    start();
    String epoch = handshake("c1");
    FakeExchange first = poll("alice", "c1", epoch, 0);
    push("alice", 1);
    assertThat(answer(first)).isEqualTo(frame(1, 1, 1));
    push("alice", 2); // the client never got the first answer: its next poll still says 0
    assertThat(answer(poll("alice", "c1", epoch, 0))).isEqualTo(frame(1, 2, 2));
    assertThat(answer(poll("alice", "c1", epoch, 2))).isNull(); // held: nothing after 2
  }

  @Test
  void pushesWhileNoPollIsHeldWaitInTheLogForTheNextPoll() {
    start();
    String epoch = handshake("c1");
    push("alice", 1);
    push("alice", 2);
    assertThat(answer(poll("alice", "c1", epoch, 0))).isEqualTo(frame(1, 2, 2));
  }

  @Test
  void aCursorOlderThanTheWindowGetsTheGapCountWithTheKeptEvents() {
    // a window of a few bytes: each push leaves only the newest event kept
    fixture.start(SenteServer.builder().resumeWindow(Duration.ofMinutes(2), 10));
    String epoch = handshake("c1");
    push("alice", 1);
    push("alice", 2);
    push("alice", 3);
    assertThat(answer(poll("alice", "c1", epoch, 0)))
        .isEqualTo("[[[\"x/a\",3]],null,{\"seq\":3,\"gap\":2}]");
  }

  @Test
  void aClientForgottenPastItsGraceIsToldTheGapByItsNextHandshake() {
    fixture.start(SenteServer.builder().resumeWindow(Duration.ofSeconds(10), 1 << 20));
    String epoch = handshake("c1");
    push("alice", 1);
    push("alice", 2);
    fixture.time.advance(6_000);
    push("alice", 3);
    fixture.time.advance(5_000); // the client is forgotten; 1 and 2 are past the window
    FakeExchange again = poll("alice", "c1", epoch, 0);
    assertThat(again.responseBody)
        .isEqualTo(GRANT_PREFIX + epoch + "\",\"seq\":2,\"recovered\":false,\"gap\":2}]");
    assertThat(answer(poll("alice", "c1", epoch, 2))).isEqualTo(frame(3, 3, 3));
  }

  @Test
  void aCursorOfAnotherEpochFromTheFutureOrMalformedGetsAnUnknownGapAtOnce() {
    start();
    String epoch = handshake("c1");
    push("alice", 1);
    // an unknown gap names the stream's epoch: the client takes it for its cursor
    String unknown = "[[],null,{\"seq\":1,\"gap\":null,\"epoch\":\"" + epoch + "\"}]";
    assertThat(answer(poll("alice", "c1", "AAAAAAAA".equals(epoch) ? "BBBBBBBB" : "AAAAAAAA", 0)))
        .isEqualTo(unknown);
    assertThat(answer(poll("alice", "c1", epoch, 99))).isEqualTo(unknown);
    assertThat(answer(poll("alice", "c1", epoch, -1))).isEqualTo(unknown);
    FakeExchange malformed =
        fixture.ajaxGet("alice", "c1&ext=resume&epoch=" + epoch + "&seq=1x", false);
    assertThat(answer(malformed)).isEqualTo(unknown);
    // and after the gap the client's cursor (1) is in the window again
    FakeExchange held = poll("alice", "c1", epoch, 1);
    assertThat(answer(held)).isNull();
    push("alice", 2);
    assertThat(answer(held)).isEqualTo(frame(2, 2, 2));
  }

  @Test
  void aCursorNeverReadsAnotherUsersStream() {
    start();
    String epoch = handshake("c1");
    push("alice", 1);
    push("alice", 2);
    // bob's client with alice's client id and cursor
    FakeExchange bobHandshake =
        fixture.ajaxGet("bob", "c1&ext=resume&epoch=" + epoch + "&seq=0", true);
    assertThat(bobHandshake.responseBody)
        .startsWith("[[\"chsk/handshake\",[\"bob\",null,null]],null,{\"ext\":[\"resume\"]")
        .contains("\"recovered\":false,\"gap\":null")
        .doesNotContain(epoch);
    FakeExchange bobPoll = poll("bob", "c1", epoch, 0);
    assertThat(answer(bobPoll))
        .startsWith("[[],null,{\"seq\":0,\"gap\":null,\"epoch\":")
        .doesNotContain(epoch);
  }

  @Test
  void aClientThatChangesTransportKeepsItsCursor() {
    start();
    FakeExchange.FakeSocket socket = fixture.openSocketWith("alice", "client-id=c1&ext=resume");
    push("alice", 1);
    push("alice", 2);
    Matcher m = Pattern.compile("\"epoch\":\"([^\"]+)\"").matcher(socket.frames().get(0));
    assertThat(m.find()).isTrue();
    String epoch = m.group(1);
    socket.close(1006, "cut"); // the client falls back to Ajax, with the cursor it had: 1
    FakeExchange get = fixture.ajaxGet("alice", "c1&ext=resume&epoch=" + epoch + "&seq=1", true);
    assertThat(get.responseBody).contains("\"seq\":1,\"recovered\":true");
    assertThat(answer(poll("alice", "c1", epoch, 1))).isEqualTo(frame(2, 2, 2));
  }

  @Test
  void aPlainAjaxClientOfTheSameUserKeepsThePlainFrames() {
    start();
    String epoch = handshake("c1");
    FakeExchange plain = fixture.poll("alice", "c2");
    FakeExchange resumed = poll("alice", "c1", epoch, 0);
    push("alice", 1);
    assertThat(plain.poll.body).isEqualTo("[[[\"x/a\",1]],null]");
    assertThat(answer(resumed)).isEqualTo(frame(1, 1, 1));
  }

  @Test
  void theCursorLeavesWithTheForgottenClient() {
    start();
    handshake("c1");
    DeliveryLog log = ((Engine) fixture.sente).log();
    assertThat(log.hasStream("alice")).isTrue();
    fixture.time.advance(300_000); // past the Ajax grace and the window
    assertThat(log.hasStream("alice")).isFalse();
  }
}
