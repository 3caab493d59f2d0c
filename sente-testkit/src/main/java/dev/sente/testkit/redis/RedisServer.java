package dev.sente.testkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} for tests: its own process on {@code 127.0.0.1} and a free port, no
 * persistence, its files in a temporary folder. It can be stopped, killed ({@code SIGKILL}) and
 * started again on the same port, to test what clients do while Redis is away.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   URI uri = redis.uri(); // redis://127.0.0.1:41234
 *   ...
 * }
 * }</pre>
 *
 * <p>Without {@code redis-server} on the machine, {@link #start()} fails (never skips) and says how
 * to install it ({@code apt-get install redis-server}).
 */
public final class RedisServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
  private static final List<Path> CANDIDATES =
      List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));

  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process; // guarded by this

  private RedisServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** Starts a server on a free port; fails with a clear message when none is installed. */
  public static RedisServer start() {
    Path binary = binary();
    try {
      RedisServer server =
          new RedisServer(binary, Files.createTempDirectory("sente-redis"), freePort());
      server.restart();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code redis-server} binary; an {@link AssertionError} saying how to get it if missing. */
  public static Path binary() {
    for (Path candidate : CANDIDATES) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "redis-server not found (looked at "
            + CANDIDATES
            + "): install it with apt-get install redis-server (.ci/run does)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The port it listens on (the same after a restart). */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:port}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  /** True while its process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Starts it (again) on the same port, with an empty data set, and returns once it answers {@code
   * PING}; does nothing while it runs.
   */
  public synchronized void restart() {
    if (isRunning()) {
      return;
    }
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", dir.toString(),
            "--daemonize", "no",
            "--loglevel", "warning"));
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + binary, e);
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "redis-server exited with " + process.exitValue() + ": " + log());
      }
      try {
        if ("PONG".equals(command("PING"))) {
          return;
        }
      } catch (IOException e) {
        last = e; // not listening yet
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS); // a bounded wait for the port to open
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while redis-server started", e);
      }
    }
    throw new IllegalStateException(
        "redis-server did not answer PING within " + READY_TIMEOUT + ": " + log(), last);
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops it cleanly ({@code SIGTERM}) and waits until its process has ended. */
  public synchronized void stop() {
    end(false);
  }

  /** Kills it ({@code SIGKILL}): connections are reset with no goodbye. */
  public synchronized void kill() {
    end(true);
  }

  private void end(boolean kill) {
    if (process == null) {
      return;
    }
    if (kill) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /**
   * Sends one command and returns its reply as text: a simple string, an error ({@code -ERR ..}), a
   * number, a bulk string (null for none), or an array's elements joined by newlines. For test
   * set-up and checks ({@code KEYS}, {@code PUBSUB CHANNELS}, {@code CLIENT KILL}).
   */
  public String command(String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      socket.setSoTimeout(5000);
      StringBuilder out = new StringBuilder().append('*').append(args.length).append("\r\n");
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        out.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
      }
      OutputStream os = socket.getOutputStream();
      os.write(out.toString().getBytes(StandardCharsets.UTF_8));
      os.flush();
      return reply(socket.getInputStream());
    }
  }

  private static String reply(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> {
        return "-" + rest;
      }
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(rest);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          items.add(reply(in));
        }
        return String.join("\n", items);
      }
      default -> throw new IOException("Unexpected reply from redis-server: " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read(); // the \n
        return line.toString();
      }
      line.append((char) c);
    }
    throw new IOException("redis-server closed the connection");
  }

  /** Stops it and deletes its folder. */
  @Override
  public synchronized void close() {
    end(false);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + "]";
  }
}
