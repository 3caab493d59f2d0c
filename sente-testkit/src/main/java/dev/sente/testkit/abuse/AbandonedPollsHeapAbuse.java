package dev.sente.testkit.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abuse: abandoned long-polls against a server with a small heap, in a JVM of its own (the
 * adapter's {@link #serverMain()}, which hands its server to {@link ForkedPollServer}): every
 * client makes a handshake and a poll on one connection, waits until the server holds the poll, and
 * drops the connection unread, half with a reset and half with a FIN, {@value #DEFAULT_CONCURRENCY}
 * at a time. The server must keep answering throughout, release every poll and close every
 * connection.
 *
 * <p>The same code is the full benchmark, scaled by system properties: {@code sente.abuse.polls}
 * (abandoned polls, default {@value #DEFAULT_POLLS}), {@code sente.abuse.heap} (the server's {@code
 * -Xmx}, default {@value #DEFAULT_HEAP}), {@code sente.abuse.held} (polls held at once to measure
 * what one costs, default {@value #DEFAULT_HELD}), {@code sente.abuse.concurrency}, and {@code
 * sente.abuse.maxHeldPolls} (the server's limit, default its builder's default). It prints its
 * figures on one line starting with {@code abandoned-polls:}.
 *
 * <pre>{@code
 * class JettyAbandonedPollsHeapTest extends AbandonedPollsHeapAbuse {
 *   @Override
 *   protected Class<?> serverMain() {
 *     return PollServerMain.class; // calls ForkedPollServer.serve(..) with a Jetty server
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class AbandonedPollsHeapAbuse {

  static final int DEFAULT_POLLS = 20_000;
  static final String DEFAULT_HEAP = "96m";
  static final int DEFAULT_HELD = 2_000;
  static final int DEFAULT_CONCURRENCY = 50;

  private static final int POLLS = Integer.getInteger("sente.abuse.polls", DEFAULT_POLLS);
  private static final String HEAP = System.getProperty("sente.abuse.heap", DEFAULT_HEAP);
  private static final int HELD = Integer.getInteger("sente.abuse.held", DEFAULT_HELD);
  private static final int CONCURRENCY =
      Integer.getInteger("sente.abuse.concurrency", DEFAULT_CONCURRENCY);

  /** How long the server may take to answer a handshake while under attack. */
  private static final int ANSWER_MILLIS = 5_000;

  private Process server;
  private Path serverLog;
  private BufferedReader fromServer;
  private Writer toServer;
  private int port;
  private final ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
  private long nextClient;
  private long refused;

  /**
   * The class whose {@code main} starts the adapter's server in the forked JVM, by calling {@link
   * ForkedPollServer#serve}; it runs with this JVM's class path.
   */
  protected abstract Class<?> serverMain();

  @AfterEach
  void stop() {
    clients.shutdownNow();
    if (server != null) {
      server.destroyForcibly();
    }
  }

  @Test
  void aSmallHeapSurvivesAbandonedPollsAndKeepsAnswering() throws Exception {
    startServer();
    handshake("warm-up").close();
    long before = heap();

    // what a held poll costs, how fast abandoned ones are released, what their clients keep
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < HELD; i += CONCURRENCY) {
      held.addAll(holdPolls(Math.min(CONCURRENCY, HELD - i)));
    }
    assertThat(stats()[3]).as("held polls").isEqualTo(HELD);
    long withHeld = heap();
    long abandonedAt = System.nanoTime();
    abandon(held);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(released());
    long releaseMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abandonedAt);
    long inGrace = heap();
    assertThat(stats()[1]).as("users gone before their grace period ended").isLessThan(HELD);

    // the attack: abandoned polls, a batch at a time
    long peak = withHeld;
    long maxOpen = 0;
    long startedAt = System.nanoTime();
    for (int done = 0; done < POLLS; ) {
      int batch = Math.min(CONCURRENCY, POLLS - done);
      List<Socket> polls = holdPolls(batch);
      maxOpen = Math.max(maxOpen, stats()[2]);
      abandon(polls);
      int previous = done;
      done += batch;
      if (done / 1000 != previous / 1000) {
        assertAnswers("during");
      }
      if (done / Math.max(1, POLLS / 10) != previous / Math.max(1, POLLS / 10)) {
        peak = Math.max(peak, heap());
      }
    }
    long attackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(released());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              long[] stats = stats();
              assertThat(stats[1]).as("users gone").isEqualTo(stats[0]);
            });
    assertThat(closeWaitSockets()).as("sockets in CLOSE-WAIT").isZero();
    long after = heap();
    assertAnswers("after");

    long perHeldPoll = (withHeld - before) / HELD;
    long perClientInGrace = (inGrace - before) / HELD;
    System.out.printf(
        "abandoned-polls: heap=%s polls=%d concurrency=%d heapBefore=%d heapPeak=%d heapAfter=%d"
            + " perHeldPoll=%d perClientInGrace=%d releaseMillis=%d refused503=%d"
            + " maxOpenConnections=%d attackMillis=%d%n",
        HEAP,
        POLLS,
        CONCURRENCY,
        before,
        peak,
        after,
        perHeldPoll,
        perClientInGrace,
        releaseMillis,
        refused,
        maxOpen,
        attackMillis);
    assertThat(perHeldPoll).as("bytes per held poll").isLessThan(16 * 1024);
    assertThat(perClientInGrace).as("bytes per client left in its grace period").isLessThan(4096);
    assertThat(releaseMillis).as("time to release abandoned polls").isLessThan(3_000);
    assertThat(after - before).as("heap kept after the attack").isLessThan(4L << 20);
  }

  /** No poll held, no connection open. */
  private java.util.concurrent.Callable<Boolean> released() {
    return () -> {
      long[] stats = stats();
      return stats[2] == 0 && stats[3] == 0;
    };
  }

  // ---- the server

  private void startServer() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + HEAP);
    command.add("-XX:+ExitOnOutOfMemoryError");
    String maxHeldPolls = System.getProperty("sente.abuse.maxHeldPolls");
    if (maxHeldPolls != null) {
      command.add("-Dsente.abuse.maxHeldPolls=" + maxHeldPolls);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), serverMain().getName()));
    serverLog = Path.of("target", "abandoned-polls-server.log").toAbsolutePath();
    Files.createDirectories(serverLog.getParent());
    Files.deleteIfExists(serverLog);
    server =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
            .start();
    fromServer =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    toServer = server.outputWriter(StandardCharsets.UTF_8);
    String ready = fromServer.readLine();
    assertThat(ready).as("the server's first line (log: " + serverLog + ")").startsWith("ready ");
    port = Integer.parseInt(ready.substring("ready ".length()).trim());
  }

  /** Fails with the server's last words when it has died (of an OutOfMemoryError, say). */
  private void assertServerAlive() {
    if (!server.isAlive()) {
      String said;
      try {
        said = String.join(" | ", fromServer.lines().toList());
      } catch (UncheckedIOException e) {
        said = "?";
      }
      throw new AssertionError(
          "The server died with exit code "
              + server.exitValue()
              + ": "
              + said
              + " (log: "
              + serverLog
              + ")");
    }
  }

  private synchronized String ask(String command) {
    assertServerAlive();
    try {
      toServer.write(command + "\n");
      toServer.flush();
      String line = fromServer.readLine();
      if (line == null || !line.startsWith(command + " ")) {
        server.waitFor(5, TimeUnit.SECONDS);
        assertServerAlive();
      }
      assertThat(line).as("answer to " + command).startsWith(command + " ");
      return line.substring(command.length() + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("the server is gone", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Users connected so far, users gone so far, connections open now, polls held now. */
  private long[] stats() {
    String[] words = ask("stats").split(" ");
    long[] values = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      values[i] = Long.parseLong(words[i]);
    }
    return values;
  }

  private long heap() {
    return Long.parseLong(ask("heap"));
  }

  // ---- the clients

  /**
   * Opens {@code count} clients at once, each a handshake and a poll on one connection, and waits
   * until the server holds every poll (it connected their users) or answered it at once.
   */
  private List<Socket> holdPolls(int count) throws Exception {
    long connectedBefore = stats()[0];
    List<Future<Socket>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "p" + nextClient++;
      opening.add(
          clients.submit(
              () -> {
                Socket socket = handshake(id);
                send(socket, "client-id=" + id + "&udt=2", id);
                return socket;
              }));
    }
    List<Socket> sockets = new ArrayList<>();
    for (Future<Socket> future : opening) {
      try {
        sockets.add(future.get(30, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        server.waitFor(5, TimeUnit.SECONDS);
        assertServerAlive();
        throw e;
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> stats()[0] - connectedBefore + answered(sockets) >= count);
    for (Socket socket : sockets) {
      if (socket.getInputStream().available() > 0) {
        String answer = readResponse(socket.getInputStream());
        assertThat(answer).as("a poll answered at once").startsWith("HTTP/1.1 503 ");
        refused++;
      }
    }
    return sockets;
  }

  private static long answered(List<Socket> sockets) throws IOException {
    long count = 0;
    for (Socket socket : sockets) {
      if (socket.getInputStream().available() > 0) {
        count++;
      }
    }
    return count;
  }

  /** Drops the connections unread: even ones with a reset, odd ones with a FIN. */
  private static void abandon(List<Socket> sockets) throws IOException {
    for (int i = 0; i < sockets.size(); i++) {
      Socket socket = sockets.get(i);
      if (i % 2 == 0) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    }
  }

  /** A fresh client's handshake must be answered in time, whatever else is going on. */
  private void assertAnswers(String when) throws IOException {
    try (Socket socket = handshake("check-" + when + "-" + nextClient++)) {
      assertThat(socket.isConnected()).isTrue();
    }
  }

  /** Connects and makes a handshake, answered with 200; returns the open connection. */
  private Socket handshake(String id) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(ANSWER_MILLIS);
    send(socket, "client-id=" + id + "&udt=1&handshake%3F=1", id);
    String response = readResponse(socket.getInputStream());
    assertThat(response).as("handshake of " + id).startsWith("HTTP/1.1 200 ");
    assertThat(response).as("handshake of " + id).contains("[[\"chsk/handshake\",");
    return socket;
  }

  private void send(Socket socket, String query, String user) throws IOException {
    String request =
        "GET /chsk?"
            + query
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nX-User: "
            + user
            + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Reads one response with a Content-Length, without reading past it. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] chunk = new byte[1024];
    int expected = -1;
    while (expected < 0 || bytes.size() < expected) {
      int n = in.read(chunk);
      if (n < 0) {
        throw new IOException("connection closed after " + bytes.size() + " bytes");
      }
      bytes.write(chunk, 0, n);
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0 && expected < 0) {
        int length = 0;
        for (String header : text.substring(0, end).split("\r\n")) {
          if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            length = Integer.parseInt(header.substring(15).trim());
          }
        }
        expected = end + 4 + length;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Server-side sockets of this port in CLOSE-WAIT (Linux: /proc/net/tcp and tcp6). */
  private long closeWaitSockets() throws IOException {
    String local = String.format(":%04X ", port);
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String row : Files.readAllLines(path)) {
        String[] cells = row.trim().split("\\s+");
        if (cells.length > 3 && (cells[1] + " ").endsWith(local) && cells[3].equals("08")) {
          count++;
        }
      }
    }
    return count;
  }
}
