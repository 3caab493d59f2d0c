package dev.sente.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.server.SenteServer;
import dev.sente.testkit.raw.RawWebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * The base of every conformance suite: an adapter module extends a suite and implements {@link
 * #start} with its web server; each test builds its own {@link SenteServer} with short timers and
 * asserts the exact wire text with raw clients ({@code dev.sente.testkit.raw}).
 *
 * <pre>{@code
 * class JettyAjaxConformanceTest extends AjaxConformance {
 *   @Override
 *   protected RunningServer start(SenteServer sente) {
 *     var jetty = SenteJetty.serve(sente, 0);
 *     return RunningServer.of(URI.create("http://localhost:" + jetty.port() + "/"), jetty::close);
 *   }
 * }
 * }</pre>
 *
 * Everything a test starts is closed after it, newest first.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ConformanceTestBase {

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** Starts a web server on an ephemeral port that serves the given Sente server's endpoint. */
  protected abstract RunningServer start(SenteServer sente);

  /**
   * A builder with the suite's user-id resolver: the {@value ServerFixture#USER_HEADER} header,
   * anonymous without it. Every other option keeps its default unless the test sets it.
   */
  protected static SenteServer.Builder builder() {
    return SenteServer.builder().userId(request -> request.header(ServerFixture.USER_HEADER));
  }

  /**
   * What every server of the suite is built with besides the test's own options: nothing here; a
   * subclass may add options that must not change the suite's outcome (a cluster, say).
   */
  protected SenteServer.Builder configure(SenteServer.Builder builder) {
    return builder;
  }

  /**
   * Builds the server (after {@link #configure}), registers an {@link EventRecorder} as its
   * catch-all, and starts it.
   */
  protected ServerFixture serve(SenteServer.Builder builder) {
    SenteServer sente = configure(builder).build();
    resources.push(sente);
    EventRecorder events = new EventRecorder();
    sente.onAny(events);
    RunningServer running = start(sente);
    resources.push(running);
    ServerFixture server = new ServerFixture(sente, running, events);
    resources.push(server);
    return server;
  }

  /** Closes a resource after the test, before the servers. */
  protected <T extends AutoCloseable> T closeAfter(T resource) {
    resources.push(resource);
    return resource;
  }

  /** Waits for a condition, up to 10 s. */
  protected static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10));
  }

  /** Checks that a condition holds during the whole period (for "nothing happens" assertions). */
  protected static ConditionFactory throughout(Duration period) {
    return Awaitility.await()
        .during(period)
        .atMost(period.plusSeconds(5))
        .pollInterval(Duration.ofMillis(10));
  }

  /**
   * Reads frames from the socket until it has {@code count} events {@code [id, n]} with integer
   * payloads, and checks that they are 0, 1, .. {@code count - 1} in order, nothing else between
   * them. Sends that follow each other closely may share a frame (the engine batches what comes
   * while a write is still being reported, and how long that takes is the web server's: Tomcat
   * reports from its own thread pool), so the checks count events, not frames.
   */
  protected static void assertNumberedEventsInOrder(RawWebSocket ws, String id, int count) {
    String one = "\\[\"" + Pattern.quote(id) + "\",(\\d+)\\]";
    Pattern frame = Pattern.compile("\\[\\[" + one + "(," + one + ")*\\],null\\]");
    Pattern event = Pattern.compile(one);
    List<Integer> got = new ArrayList<>();
    while (got.size() < count) {
      String next = ws.nextFrame();
      assertThat(next).as("a frame of %s events", id).matches(frame);
      Matcher m = event.matcher(next);
      while (m.find()) {
        got.add(Integer.parseInt(m.group(1)));
      }
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertThat(got).isEqualTo(expected);
  }

  @AfterEach
  void closeEverything() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        // keep closing the rest; a failed close must not hide the test's own result
      }
    }
  }
}
