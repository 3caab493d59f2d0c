package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.testkit.conformance.ConformanceTestBase;
import dev.sente.testkit.conformance.Peer;
import dev.sente.testkit.conformance.ServerFixture;
import dev.sente.testkit.raw.RawWebSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Abuse: a client that attacks the server's log. Text it sends (a frame, a client id, a parser
 * message quoting its input) is logged escaped, so that it cannot start a line of its own; a flood
 * of bad input logs a few lines and then a count, not one line each; an upgrade whose query holds
 * characters a URI refuses gets the same answer as the Ajax GET with that query, and no stack
 * trace.
 *
 * <p>Reads the log with {@link LogCapture}, so it needs the server's WARN and INFO lines on {@code
 * System.err} (slf4j-simple's default); every test first waits for a line it expects, so that a log
 * that is not captured fails the test instead of passing it.
 */
public abstract class LogAbuse extends ConformanceTestBase {

  /** What a forged line starts with: slf4j-simple's own format, as an attacker would copy it. */
  private static final String FORGED = "[sente-jetty-99] ERROR dev.sente.FAKE";

  private static ServerFixture echoServer(ServerFixture server) {
    server.sente().on("a/echo", message -> message.reply(message.data().orElse(null)));
    return server;
  }

  /** An event with a reply: once it is answered, the socket's earlier frames were all read. */
  private static void roundTrip(RawWebSocket ws, String callbackId) {
    ws.send("[[\"a/echo\",\"" + callbackId + "\"],\"" + callbackId + "\"]");
    assertThat(ws.nextFrame()).isEqualTo("[\"" + callbackId + "\",\"" + callbackId + "\"]");
  }

  private static void assertNoForgedLine(LogCapture log) {
    assertThat(log.lines())
        .as("log lines")
        .noneMatch(line -> line.startsWith(FORGED))
        .noneMatch(line -> line.indexOf('\u2028') >= 0 || line.indexOf('\u2029') >= 0)
        .noneMatch(line -> line.indexOf('\u0085') >= 0 || line.indexOf('\r') >= 0);
  }

  @Test
  void framesCannotForgeALogLine() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = echoServer(serve(builder()));
      List<String> frames =
          List.of(
              "{\"x\":\"a\\n" + FORGED + " - forged log line\"}",
              "{\"x\":\"a\n" + FORGED + " - forged raw line\"}",
              "{\"x\":\"a\\r\\n" + FORGED + " - forged crlf line\"}",
              "{\"x\":\"a\\u2028" + FORGED + " - forged separator line\"}",
              "{\"x\":\"a\\u0085" + FORGED + " - forged next line\"}",
              "[\"a\n" + FORGED + " - forged raw line 2\"");

      for (int i = 0; i < frames.size(); i++) {
        RawWebSocket ws = server.as("alice").connect("c" + i); // a client's lines are bounded
        ws.send(frames.get(i));
        roundTrip(ws, "done0" + i);
      }

      for (String text : List.of("log line", "crlf line", "separator line", "next line")) {
        eventually().until(() -> !log.linesContaining("forged " + text).isEmpty());
      }
      assertNoForgedLine(log);
    }
  }

  @Test
  void postsAndClientIdsCannotForgeALogLine() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = serve(builder());
      Peer alice = server.as("alice");

      alice.send("c3\n" + FORGED + " - forged client id", "[[\"a/b\",1]");
      alice.send("c3", "{\"x\":\"a\\n" + FORGED + " - forged post line\"}");
      alice.send("c3", "{\"x\":\"a\n" + FORGED + " - forged raw post\"}");

      eventually().until(() -> !log.linesContaining("forged client id").isEmpty());
      eventually().until(() -> !log.linesContaining("forged post line").isEmpty());
      assertNoForgedLine(log);
    }
  }

  @Test
  void aFloodOfMalformedFramesLogsAFewLinesAndThenACount() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = echoServer(serve(builder()));
      RawWebSocket ws = server.as("alice").connect("flood1");

      for (int i = 0; i < 2_000; i++) {
        ws.send("not json " + i);
      }
      roundTrip(ws, "done02");

      assertThat(log.linesContaining("flood1")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
      ws.close();
      eventually()
          .until(() -> log.linesContaining("flood1").stream().anyMatch(l -> l.contains(" more ")));
      assertThat(log.linesContaining("flood1")).hasSizeLessThanOrEqualTo(6);
    }
  }

  @Test
  void aFloodOfForgedReservedIdsIsCountedInAFewLines() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = echoServer(serve(builder()));
      RawWebSocket ws = server.as("alice").connect("flood3");

      for (int i = 0; i < 500; i++) {
        ws.send("[[\"chsk/uidport-open\",\"bob\"],null]");
      }
      roundTrip(ws, "done03");

      eventually().until(() -> !log.linesContaining("flood3").isEmpty());
      assertThat(log.linesContaining("flood3")).hasSizeLessThanOrEqualTo(5);
    }
  }

  @Test
  void aFloodOfMalformedPostsLogsAFewLines() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = serve(builder());
      Peer alice = server.as("alice");

      for (int i = 0; i < 200; i++) {
        assertThat(alice.send("flood2", "not json " + i).status()).isEqualTo(400);
      }

      assertThat(log.linesContaining("flood2")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    }
  }

  @Test
  void aFloodOfRejectedRequestsLogsAFewLines() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = serve(builder());
      Peer foreign = server.as("alice").withHeader("Origin", "http://evil.example");

      for (int i = 0; i < 200; i++) {
        assertThat(foreign.get("client-id=c9&handshake%3F=1").status()).isEqualTo(403);
      }

      assertThat(log.linesContaining("origin")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    }
  }

  @Test
  void upgradeQueriesThatAUriRefusesGetTheAjaxAnswerAndNoStackTrace() {
    try (LogCapture log = LogCapture.start()) {
      ServerFixture server = serve(builder());
      Peer alice = server.as("alice");
      List<String> queries =
          List.of(
              "client-id=<script>",
              "client-id=a|b",
              "client-id=\"q\"",
              "client-id={x}",
              "client-id=a^b",
              "client-id=a%60b%60&x=<y>",
              "client-id=a\\b",
              "client-id=ok&x=%ZZ");

      for (String query : queries) {
        RawExchange.Response ajax =
            RawExchange.get(server, query + "&handshake%3F=1", alice.headers());
        RawExchange.Response ws = RawExchange.upgrade(server, query, alice.headers());
        if (ajax.status() == 200) {
          assertThat(ws.status()).as(query + ": " + ws).isEqualTo(101);
        } else {
          assertThat(ws.status()).as(query + ": " + ws).isEqualTo(ajax.status());
        }
        assertThat(ws.body()).as(query).isEqualTo(ajax.body());
      }

      assertThat(log.lines())
          .noneMatch(line -> line.contains("URISyntaxException"))
          .noneMatch(line -> line.startsWith("\tat "));
    }
  }
}
