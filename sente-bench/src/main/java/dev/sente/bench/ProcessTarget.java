package dev.sente.bench;

import dev.sente.bench.server.Pushed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server under test in a process of its own (a JVM running {@code ServerMain}, or Node running
 * {@code socketio-server.js}), driven over its stdin; its stderr goes to a log file.
 */
final class ProcessTarget implements Target {
  private final String system;
  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final int port;
  private final long pid;

  private ProcessTarget(String system, Process process, int port, long pid, BufferedReader out) {
    this.system = system;
    this.process = process;
    this.out = out;
    this.in = process.outputWriter(StandardCharsets.UTF_8);
    this.port = port;
    this.pid = pid;
  }

  /** Starts the system's server and waits for its ready line. */
  static ProcessTarget start(String system, Plan plan) throws IOException {
    return start(system, system, plan, List.of());
  }

  /**
   * Starts a server of the system ({@code sente}, {@code socketio}, {@code jetty}) under a name of
   * its own (its log file is {@code <name>.log}), with arguments after the port (a cluster node's
   * Redis), and waits for its ready line.
   */
  static ProcessTarget start(String name, String system, Plan plan, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if ("socketio".equals(system)) {
      command.add("node");
      command.add("--expose-gc");
      command.addAll(plan.nodeOptions());
      command.add(plan.benchDir().resolve("src/main/node/socketio-server.js").toString());
      command.add("0");
      command.addAll(args);
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(plan.serverJvmOptions());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add("dev.sente.bench.server.ServerMain");
      command.add(system);
      command.add("0");
      command.addAll(args);
    }
    Path logs = plan.logDir();
    Files.createDirectories(logs);
    Process process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String[] ready = awaitLine(out, process, "ready").split(" ");
    return new ProcessTarget(
        system, process, Integer.parseInt(ready[1]), Long.parseLong(ready[2]), out);
  }

  /** True while the server's process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  private static String awaitLine(BufferedReader out, Process process, String word)
      throws IOException {
    String line;
    while ((line = out.readLine()) != null) {
      if (line.equals(word) || line.startsWith(word + " ")) {
        return line;
      }
    }
    throw new IOException(
        "server "
            + (process.isAlive() ? "closed its output" : "exited with " + process.exitValue())
            + " before: "
            + word);
  }

  @Override
  public String system() {
    return system;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public synchronized Pushed push(int first, int users, long intervalMicros, long durationMillis)
      throws IOException {
    command("push " + users + " " + intervalMicros + " " + durationMillis + " " + first);
    String[] words = awaitLine(out, process, "pushed").split(" ");
    return new Pushed(
        Long.parseLong(words[1]),
        (long) Double.parseDouble(words[2]),
        (long) Double.parseDouble(words[3]));
  }

  /** {@code stats} answered with {@code stats <name>=<count> ..} ({@code stats} alone: none). */
  @Override
  public synchronized Map<String, Long> nodeCounters() {
    Map<String, Long> counters = new LinkedHashMap<>();
    try {
      command("stats");
      String[] words = awaitLine(out, process, "stats").split(" ");
      for (int i = 1; i < words.length; i++) {
        String[] kv = words[i].split("=");
        if (kv.length == 2) {
          counters.put(kv[0], Long.parseLong(kv[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of(); // gone: health() says so
    }
    return counters;
  }

  @Override
  public synchronized long heapAfterGc() throws IOException {
    command("gc");
    return Long.parseLong(awaitLine(out, process, "heap").split(" ")[1]);
  }

  private void command(String line) throws IOException {
    in.write(line + "\n");
    in.flush();
  }

  @Override
  public void close() {
    try {
      command("quit");
    } catch (IOException | UncheckedIOException ignored) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
