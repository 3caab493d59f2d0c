package dev.sente.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording (as {@code -Dbench.jfr=DIR} makes them): the
 * methods on top of the stack (self time), the methods and packages anywhere on the stack
 * (inclusive time) and the threads, each as a share of all samples.
 *
 * <pre>{@code
 * java -cp ... dev.sente.bench.JfrSummary target/jfr/sente-ws-rr-1000.jfr [top]
 * }</pre>
 */
public final class JfrSummary {
  private static final List<String> PACKAGES =
      List.of(
          "dev.sente.server",
          "dev.sente.core",
          "dev.sente.jetty",
          "tools.jackson",
          "org.eclipse.jetty.websocket",
          "org.eclipse.jetty.io",
          "org.eclipse.jetty.server",
          "org.eclipse.jetty.util.thread",
          "java.util.concurrent",
          "sun.nio.ch");

  private JfrSummary() {}

  /** {@code JfrSummary <file.jfr> [top]}. */
  public static void main(String[] args) throws IOException {
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> packages = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int total = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample")
          || event.getStackTrace() == null) {
        continue;
      }
      total++;
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (!frames.isEmpty()) {
        self.merge(name(frames.get(0).getMethod()), 1, Integer::sum);
      }
      Set<String> seen = new HashSet<>();
      Set<String> seenPackages = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame.getMethod());
        if (seen.add(name)) {
          inclusive.merge(name, 1, Integer::sum);
        }
        for (String p : PACKAGES) {
          if (name.startsWith(p) && seenPackages.add(p)) {
            packages.merge(p, 1, Integer::sum);
          }
        }
      }
      RecordedThread thread = event.getThread("sampledThread");
      threads.merge(threadGroup(thread), 1, Integer::sum);
    }
    System.out.println(args[0] + ": " + total + " CPU samples");
    print("threads", threads, total, top);
    print("packages anywhere on the stack (inclusive)", packages, total, top);
    print("methods on top of the stack (self)", self, total, top);
    print("methods anywhere on the stack (inclusive)", inclusive, total, top * 2);
  }

  private static String threadGroup(RecordedThread thread) {
    if (thread == null) {
      return "?";
    }
    if (thread.hasField("virtual") && thread.getBoolean("virtual")) {
      return "virtual threads (handlers)";
    }
    String name = thread.getJavaName() == null ? "?" : thread.getJavaName();
    return name.replaceAll("-?\\d+$", "").replaceAll("\\d+", "N");
  }

  private static String name(RecordedMethod method) {
    return method == null ? "?" : method.getType().getName() + "." + method.getName();
  }

  private static void print(String title, Map<String, Integer> counts, int total, int top) {
    System.out.println();
    System.out.println(title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.println(
                    String.format(
                        Locale.ROOT,
                        "  %5.1f%%  %s",
                        100.0 * e.getValue() / Math.max(1, total),
                        e.getKey())));
  }
}
