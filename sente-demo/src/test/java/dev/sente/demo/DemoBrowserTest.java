package dev.sente.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests ({@code src/test/browser/*.test.mjs}): real headless Chromium, driven by
 * playwright-core under Node's test runner, against demo servers started here on ephemeral ports.
 * Node's report streams to the console; the test passes when every scenario does.
 *
 * <p>Needs {@code /usr/bin/chromium} (Debian package {@code chromium}), {@code node} and {@code npm
 * ci} (Maven runs it in generate-test-resources), and {@code redis-server} (Debian package {@code
 * redis-server}) for the cluster demo. With {@code -Dscreenshots.update=true} the screenshot also
 * goes to {@code docs/screenshots/demo.png}.
 */
class DemoBrowserTest {

  static final Path BROWSER_TESTS = Path.of("src/test/browser");
  static final Path SCREENSHOT = Path.of("target/screenshots/demo.png");
  static final Path DOCS_SCREENSHOT = Path.of("../docs/screenshots/demo.png");
  static final Duration LONG_POLL_TIMEOUT = Duration.ofSeconds(2);
  static final Duration NODE_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void everyBrowserScenarioPassesInHeadlessChromium() throws Exception {
    BrowserTests.requireBrowser();

    DemoOptions options =
        DemoOptions.defaults()
            .withBroadcastInterval(Duration.ofMillis(250))
            .withLongPollTimeout(LONG_POLL_TIMEOUT);
    try (DemoServer demo = DemoServer.start(0, options);
        DemoServer noWebSockets = DemoServer.start(0, options.withWebSocketsRefused(true));
        RestartableDemo restartable = RestartableDemo.start(options);
        DemoServer proxied = DemoServer.start(0, options);
        LossyNetwork network = LossyNetwork.to(proxied.port());
        ClusterDemo cluster = ClusterDemo.start(0, Optional.empty(), options)) {
      Files.deleteIfExists(SCREENSHOT);
      Map<String, String> env =
          Map.of(
              "DEMO_URL", demo.uri().toString(),
              "FALLBACK_URL", noWebSockets.uri().toString(),
              "RESTART_URL", restartable.uri(),
              "CONTROL_URL", restartable.controlUri(),
              "PROXY_URL", network.uri(),
              "PROXY_CONTROL_URL", network.controlUri(),
              "CLUSTER_URL", cluster.uri().toString(),
              "LONG_POLL_TIMEOUT_MS", Long.toString(LONG_POLL_TIMEOUT.toMillis()),
              "SCREENSHOT_PATH", SCREENSHOT.toAbsolutePath().toString());
      BrowserTests.NodeRun run = runNode(env);
      if (run.exitCode() != 0) {
        fail("The browser tests failed (exit " + run.exitCode() + "):\n" + run.tail());
      }
      assertThat(run.tail()).contains("fail 0");
    }
    assertThat(SCREENSHOT).as("the screenshot of the demo").isNotEmptyFile();
    if (Boolean.getBoolean("screenshots.update")) {
      Files.createDirectories(DOCS_SCREENSHOT.getParent());
      Files.copy(SCREENSHOT, DOCS_SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static BrowserTests.NodeRun runNode(Map<String, String> env) throws Exception {
    List<Path> files;
    try (Stream<Path> listed = Files.list(BROWSER_TESTS)) {
      files = listed.filter(p -> p.toString().endsWith(".test.mjs")).sorted().toList();
    }
    return BrowserTests.runNode(files, env, NODE_TIMEOUT);
  }

  /**
   * A demo server that a control server stops and starts again on the same port: {@code POST
   * /stop}, {@code POST /start}, each answered 204 once done.
   */
  static final class RestartableDemo implements AutoCloseable {
    private final DemoOptions options;
    private final int port;
    private final HttpServer control;
    private DemoServer current; // guarded by this

    private RestartableDemo(DemoOptions options, DemoServer first, HttpServer control) {
      this.options = options;
      this.port = first.port();
      this.current = first;
      this.control = control;
    }

    static RestartableDemo start(DemoOptions options) throws IOException {
      DemoServer first = DemoServer.start(0, options);
      HttpServer control =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      RestartableDemo demo = new RestartableDemo(options, first, control);
      control.createContext("/stop", exchange -> demo.answer(exchange, demo::stop));
      control.createContext("/start", exchange -> demo.answer(exchange, demo::restart));
      control.start();
      return demo;
    }

    String uri() {
      return "http://localhost:" + port;
    }

    String controlUri() {
      return "http://127.0.0.1:" + control.getAddress().getPort();
    }

    private synchronized void stop() {
      if (current != null) {
        current.close();
        current = null;
      }
    }

    private synchronized void restart() {
      if (current == null) {
        current = DemoServer.start(port, options);
      }
    }

    private void answer(HttpExchange exchange, Runnable action) throws IOException {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        try {
          action.run();
          exchange.sendResponseHeaders(204, -1);
        } catch (RuntimeException e) {
          byte[] body = e.toString().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(500, body.length);
          exchange.getResponseBody().write(body);
        }
      }
    }

    @Override
    public void close() {
      control.stop(0);
      stop();
    }
  }
}
