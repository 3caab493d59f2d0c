package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawResponse;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Abuse: hostile resume cursors over real HTTP. A reconnecting client names the last event it saw
 * ({@code epoch} and {@code seq} beside {@code ext=resume}); a cursor from the future, from another
 * epoch, negative, huge, fractional, malformed or absurdly long, and another user's cursor under a
 * reused client id, are each answered as a gap of unknown size ({@code "recovered":false,
 * "gap":null}) or refused with a 400; a cursor without an epoch is no cursor, a fresh start (no
 * {@code recovered} in the grant). Never a crash, never a replay, never another user's events. The
 * server keeps serving the honest client throughout.
 */
public abstract class ResumeCursorAbuse extends ConformanceTestBase {

  private static final Pattern EPOCH = Pattern.compile(".*\"epoch\":\"([^\"]+)\".*");
  private static final String SECRET = "a/secret";

  /** The cursors a hostile or broken client may name, for the stream of {@code epoch}. */
  private static List<String> badCursors(String epoch) {
    String other = epoch.equals("AAAAAAAA") ? "BBBBBBBB" : "AAAAAAAA";
    return List.of(
        "epoch=" + epoch + "&seq=1000000", // from the future
        "epoch=" + other + "&seq=1", // another epoch
        "epoch=" + epoch + "&seq=-1",
        "epoch=" + epoch + "&seq=99999999999999999999999999", // past a long
        "epoch=" + epoch + "&seq=9223372036854775807",
        "epoch=" + epoch + "&seq=1.5",
        "epoch=" + epoch + "&seq=0x1",
        "epoch=" + epoch + "&seq=",
        "epoch=" + epoch + "&seq=%E2%80%AE1", // a bidi override before the digit
        "epoch=" + epoch, // no seq
        "seq=1", // no epoch
        "epoch=&seq=1",
        "epoch=" + "E".repeat(4000) + "&seq=1",
        "epoch=%00%0A&seq=1");
  }

  /** A gap of unknown size, or (for a cursor without an epoch) a fresh start. */
  private static void assertUnknownGapOrFreshStart(String cursor, String handshake) {
    assertThat(handshake).as(cursor).startsWith("[[\"chsk/handshake\",[\"alice\",");
    boolean noEpoch = !cursor.startsWith("epoch=") || cursor.startsWith("epoch=&");
    if (noEpoch && !handshake.contains("\"recovered\"")) {
      assertThat(handshake).as(cursor).endsWith("}]").doesNotContain("\"gap\"");
    } else {
      assertThat(handshake).as(cursor).endsWith(",\"recovered\":false,\"gap\":null}]");
    }
  }

  private static String epochOf(String handshake) {
    Matcher m = EPOCH.matcher(handshake);
    assertThat(m.matches()).as("a resume grant: %s", handshake).isTrue();
    return m.group(1);
  }

  /** Alice, granted resume over WebSocket, with {@code n} secret events in her stream. */
  private static String aliceWithSecrets(ServerFixture server, RawWebSocket alice, int n) {
    String epoch = epochOf(alice.nextFrame());
    for (int i = 1; i <= n; i++) {
      server.sente().send("alice", SECRET, i);
    }
    for (int i = 0; i < n; ) {
      i += countOf(alice.nextFrame(), SECRET);
    }
    return epoch;
  }

  private static int countOf(String text, String eventId) {
    int count = 0;
    for (int at = text.indexOf(eventId); at >= 0; at = text.indexOf(eventId, at + 1)) {
      count++;
    }
    return count;
  }

  /** The server still serves alice: a push reaches her socket, numbered after the secrets. */
  private static void aliceStillServed(ServerFixture server, RawWebSocket alice) {
    server.sente().send("alice", "a/still", 1);
    assertThat(alice.nextFrame()).contains("\"a/still\"");
  }

  @Test
  void badCursorsOnAWebSocketHandshakeGetAnUnknownGapAndNoReplay() {
    ServerFixture server = serve(builder());
    Peer peer = server.as("alice");
    RawWebSocket alice = peer.webSocket("client-id=c1&ext=resume");
    String epoch = aliceWithSecrets(server, alice, 3);

    List<String> refused = new ArrayList<>();
    int client = 2;
    for (String cursor : badCursors(epoch)) {
      String query = "client-id=c" + client++ + "&ext=resume&" + cursor;
      RawWebSocket ws;
      try {
        ws = peer.webSocket(query);
      } catch (RawWebSocket.UpgradeRefused e) {
        assertThat(e.status()).as(cursor).isEqualTo(400);
        refused.add(cursor);
        continue;
      }
      assertUnknownGapOrFreshStart(cursor, ws.nextFrame());
      // nothing replayed: the next frame is the answer to our ping
      ws.send("[[\"chsk/ws-ping\"],\"after\"]");
      assertThat(ws.nextFrame()).as(cursor).isEqualTo("[\"pong\",\"after\"]");
      ws.close();
    }
    assertThat(refused).as("only malformed input may be refused outright").hasSizeLessThan(14);
    aliceStillServed(server, alice);
  }

  @Test
  void badCursorsOnAnAjaxHandshakeOrPollGetAnUnknownGapOrA400AndNoReplay() {
    ServerFixture server = serve(builder());
    Peer peer = server.as("alice");
    RawWebSocket alice = peer.webSocket("client-id=c1&ext=resume");
    String epoch = aliceWithSecrets(server, alice, 3);

    int client = 2;
    for (String cursor : badCursors(epoch)) {
      String query = "client-id=a" + client++ + "&ext=resume&" + cursor;
      RawResponse handshake = peer.get(query + "&handshake%3F=1");
      assertThat(handshake.status()).as(cursor).isIn(200, 400);
      assertThat(handshake.body()).as(cursor).doesNotContain(SECRET);
      if (handshake.status() == 200) {
        assertUnknownGapOrFreshStart(cursor, handshake.body());
      }
    }
    aliceStillServed(server, alice);
  }

  @Test
  void anotherUsersCursorUnderTheSameClientIdNeverReadsTheirStream() {
    ServerFixture server = serve(builder().longPollTimeout(Duration.ofMillis(300)));
    RawWebSocket alice = server.as("alice").webSocket("client-id=shared&ext=resume");
    String epoch = aliceWithSecrets(server, alice, 5);
    String cursor = "client-id=shared&ext=resume&epoch=" + epoch + "&seq=0";

    // bob, authenticated as bob, names alice's client id and cursor on both transports
    Peer bob = server.as("bob");
    RawWebSocket bobWs = bob.webSocket(cursor);
    String handshake = bobWs.nextFrame();
    assertThat(handshake)
        .startsWith("[[\"chsk/handshake\",[\"bob\",")
        .endsWith(",\"recovered\":false,\"gap\":null}]")
        .doesNotContain(epoch);
    RawResponse bobAjax = bob.get(cursor + "&handshake%3F=1");
    assertThat(bobAjax.body()).doesNotContain(SECRET).doesNotContain(epoch);
    RawResponse bobPoll = bob.get(cursor + "&udt=1");
    assertThat(bobPoll.body()).doesNotContain(SECRET);

    // bob's socket gets bob's pushes only; alice's socket is still hers
    server.sente().send("bob", "b/mine", 1);
    assertThat(bobWs.nextFrame()).contains("\"b/mine\"").doesNotContain(SECRET);
    aliceStillServed(server, alice);
  }
}
