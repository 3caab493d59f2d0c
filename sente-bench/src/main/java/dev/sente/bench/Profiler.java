package dev.sente.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Optional JFR recording of a Java server during a measured window: with {@code -Dbench.jfr=DIR},
 * each window of a JVM server is recorded (settings=profile, CPU samples every millisecond) with
 * {@code jcmd} into {@code DIR/<system>-<scenario>.jfr} ({@code -node<i>} added for each node of a
 * cluster). Read it with {@code jfr view hot-methods FILE} or {@code jfr print --events
 * jdk.ExecutionSample FILE}.
 */
final class Profiler {
  private static final Profiler NONE = new Profiler(new long[0], new Path[0]);
  private final long[] pids;
  private final Path[] files;

  private Profiler(long[] pids, Path[] files) {
    this.pids = pids;
    this.files = files;
  }

  /**
   * Starts a recording in each JVM of the target: one file per node for a cluster ({@code
   * <system>-<scenario>-node<i>.jfr}, node 0 the pushing one).
   */
  static Profiler start(Target target, Scenario scenario) {
    String dir = System.getProperty("bench.jfr");
    if (dir == null || target.system().startsWith("socketio")) {
      return NONE;
    }
    long[] pids = target.pids();
    Path[] files = new Path[pids.length];
    String base = target.system() + "-" + scenario.id().replace(':', '-');
    int started = 0;
    try {
      Files.createDirectories(Path.of(dir));
      for (; started < pids.length; started++) {
        String name = pids.length == 1 ? base : base + "-node" + started;
        files[started] = Path.of(dir, name + ".jfr").toAbsolutePath();
        jcmd(
            pids[started],
            "JFR.start",
            "name=bench",
            "settings=profile",
            "jdk.ExecutionSample#period=1ms");
      }
    } catch (IOException e) {
      System.err.println("JFR not started: " + e);
    }
    // the recordings that did start are stopped (and written) by stop()
    return new Profiler(Arrays.copyOf(pids, started), Arrays.copyOf(files, started));
  }

  void stop() {
    for (int i = 0; i < pids.length; i++) {
      try {
        jcmd(pids[i], "JFR.stop", "name=bench", "filename=" + files[i]);
      } catch (IOException e) {
        System.err.println("JFR not stopped: " + e);
      }
    }
  }

  /**
   * With {@code -Dbench.nmt=DIR} (and the server JVM started with {@code
   * -XX:NativeMemoryTracking=summary}), writes the class histogram and the native memory summary of
   * a Java server into {@code DIR/<system>-<label>-classes.txt} and {@code
   * DIR/<system>-<label>.txt}: the idle scenario takes them at half and all of its connections.
   */
  static void nativeMemory(Target target, String label) {
    String dir = System.getProperty("bench.nmt");
    if (dir == null || target.system().startsWith("socketio")) {
      return;
    }
    try {
      Files.createDirectories(Path.of(dir));
      String histogram = jcmd(target.pid(), "GC.class_histogram");
      Files.writeString(Path.of(dir, target.system() + "-" + label + "-classes.txt"), histogram);
      String summary = jcmd(target.pid(), "VM.native_memory", "summary");
      Files.writeString(Path.of(dir, target.system() + "-" + label + ".txt"), summary);
    } catch (IOException e) {
      System.err.println("no native memory summary: " + e);
    }
  }

  private static String jcmd(long pid, String... args) throws IOException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String[] command = new String[args.length + 2];
    command[0] = jcmd;
    command[1] = Long.toString(pid);
    System.arraycopy(args, 0, command, 2, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes());
      // jcmd answers failures on its output; judge by its first lines, not by class names below
      String head = out.substring(0, Math.min(out.length(), 300)).toLowerCase(Locale.ROOT);
      if (p.waitFor() != 0 || head.contains("exception") || head.contains("not enabled")) {
        throw new IOException("jcmd " + String.join(" ", args) + ": " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
