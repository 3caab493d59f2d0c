package dev.sente.testkit.abuse;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Tees {@link System#err} while it is open: everything written to it still reaches the original
 * stream, and is also kept here, so that a test can assert on the log lines the server wrote.
 *
 * <p>Works with slf4j-simple's default output: it writes every line to {@code System.err} as it is
 * at the time of the write (unless {@code org.slf4j.simpleLogger.cacheOutputStream} is set to
 * true), one {@code println} per log event, at INFO and above by default. A logging backend that
 * writes elsewhere (a file, or a stream captured once at start-up) is not seen.
 *
 * <pre>{@code
 * try (LogCapture log = LogCapture.start()) {
 *   ws.send("not json");
 *   eventually().until(() -> !log.linesContaining("malformed frame").isEmpty());
 * }
 * }</pre>
 *
 * Not for tests that run in parallel in one JVM: {@code System.err} is global.
 */
public final class LogCapture implements AutoCloseable {

  private final PrintStream original;
  private final PrintStream tee;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private LogCapture() {
    this.original = System.err;
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            synchronized (captured) {
              captured.write(bytes, offset, length);
            }
            original.write(bytes, offset, length);
          }

          @Override
          public void flush() {
            original.flush();
          }
        };
    this.tee = new PrintStream(both, true, StandardCharsets.UTF_8);
  }

  /** Starts capturing: replaces {@code System.err} with the tee until {@link #close()}. */
  public static LogCapture start() {
    LogCapture capture = new LogCapture();
    System.setErr(capture.tee);
    return capture;
  }

  /** Every line written so far (a last line without its line break included), in order. */
  public List<String> lines() {
    String text;
    synchronized (captured) {
      text = captured.toString(StandardCharsets.UTF_8);
    }
    List<String> lines = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        lines.add(text.substring(start));
        break;
      }
      int stop = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      lines.add(text.substring(start, stop));
      start = end + 1;
    }
    return lines;
  }

  /** The lines that match. */
  public List<String> lines(Predicate<String> filter) {
    return lines().stream().filter(filter).toList();
  }

  /** The lines that contain the text. */
  public List<String> linesContaining(String text) {
    return lines(line -> line.contains(text));
  }

  /** Everything captured, as one text. */
  public String text() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** Stops capturing: restores the original {@code System.err} (if it is still the tee). */
  @Override
  public void close() {
    if (System.err == tee) {
      System.setErr(original);
    }
    tee.flush();
  }
}
