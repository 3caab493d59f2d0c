package dev.sente.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the browser tests share: the check that headless Chromium and playwright-core are there, and
 * a run of Node's test runner over some {@code .test.mjs} files, its report streamed to the
 * console.
 */
final class BrowserTests {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private BrowserTests() {}

  /** Fails (never skips) when Chromium or playwright-core is missing, saying how to get it. */
  static void requireBrowser() {
    assertThat(CHROMIUM.toFile().canExecute())
        .as("chromium not found at /usr/bin/chromium: apt-get install chromium")
        .isTrue();
    assertThat(Path.of("node_modules/playwright-core/package.json"))
        .as("playwright-core is not installed: run npm ci in sente-demo (mvn does it)")
        .exists();
  }

  /** How Node ended (-1: timed out) and the last lines it printed. */
  record NodeRun(int exitCode, String tail) {}

  /**
   * Runs {@code node --test} over the files, one at a time, with the environment added; waits at
   * most {@code timeout}, then kills it.
   */
  static NodeRun runNode(List<Path> files, Map<String, String> env, Duration timeout)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "node",
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            "--test-timeout=120000"));
    files.stream().map(Path::toString).forEach(command::add);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("CHROMIUM_PATH", CHROMIUM.toString());
    builder.environment().put("NO_COLOR", "1");
    builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    Process node = builder.start();
    node.getOutputStream().close();
    Deque<String> tail = new ArrayDeque<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  System.out.println("[browser] " + line);
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 400) {
                      tail.removeFirst();
                    }
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "browser-test-output");
    pump.setDaemon(true);
    pump.start();
    boolean timedOut = !node.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (timedOut) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
      node.waitFor(10, TimeUnit.SECONDS);
    }
    pump.join(TimeUnit.SECONDS.toMillis(10));
    int exit = timedOut || node.isAlive() ? -1 : node.exitValue();
    synchronized (tail) {
      String text = String.join("\n", tail);
      return new NodeRun(exit, timedOut ? text + "\n(timed out after " + timeout + ")" : text);
    }
  }
}
