package dev.sente.testkit.raw;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A raw WebSocket on the JDK's {@link WebSocket} that records every text frame exactly as it
 * arrived, and the close code. Nothing of Sente's protocol is built in: tests send and expect wire
 * text.
 *
 * <pre>{@code
 * try (RawWebSocket ws = RawWebSocket.connect(URI.create("ws://localhost:8080/chsk?client-id=c1"),
 *     Map.of("Origin", "http://localhost:8080"))) {
 *   assertThat(ws.nextFrame()).isEqualTo("[[\"chsk/handshake\",[\"sente/nil-uid\",null,null]],null]");
 *   ws.send("[[\"chsk/ws-ping\"],\"p1p1p1\"]");
 *   assertThat(ws.nextFrame()).isEqualTo("[\"pong\",\"p1p1p1\"]");
 * }
 * }</pre>
 *
 * <p>A socket opened with {@link #connectWithoutReading} never asks the JDK for a frame, so the JDK
 * stops reading from TCP: a slow consumer whose server-side buffers fill up.
 */
public final class RawWebSocket implements AutoCloseable {

  /** How long {@link #nextFrame()} and {@link #awaitClose()} wait. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /** The close code recorded when the connection broke without a close frame. */
  public static final int ABNORMAL_CLOSURE = 1006;

  private final WebSocket socket;
  private final Recorder recorder;

  private RawWebSocket(WebSocket socket, Recorder recorder) {
    this.socket = socket;
    this.recorder = recorder;
  }

  /** Opens a socket that reads every frame as it arrives. Throws {@link UpgradeRefused}. */
  public static RawWebSocket connect(URI uri, Map<String, String> headers) {
    return open(uri, headers, true);
  }

  /** Opens a socket that never reads a frame (a consumer that stopped reading). */
  public static RawWebSocket connectWithoutReading(URI uri, Map<String, String> headers) {
    return open(uri, headers, false);
  }

  /**
   * Tries an upgrade that the server should refuse and returns the refusal's HTTP status. Fails
   * with an {@link AssertionError} when the upgrade succeeded.
   */
  public static int refusedStatus(URI uri, Map<String, String> headers) {
    RawWebSocket accepted;
    try {
      accepted = open(uri, headers, true);
    } catch (UpgradeRefused refused) {
      return refused.status();
    }
    String first = accepted.recorder.all.isEmpty() ? "none yet" : accepted.recorder.all.get(0);
    accepted.abort();
    throw new AssertionError(
        "Expected the upgrade to be refused, but it was accepted (first frame: " + first + ")");
  }

  private static RawWebSocket open(URI uri, Map<String, String> headers, boolean reading) {
    Objects.requireNonNull(uri, "uri");
    Recorder recorder = new Recorder(reading);
    WebSocket.Builder builder =
        RawHttp.client().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    try {
      WebSocket socket =
          builder.buildAsync(uri, recorder).get(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return new RawWebSocket(socket, recorder);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        throw new UpgradeRefused(refused.getResponse().statusCode(), uri);
      }
      throw new IllegalStateException("WebSocket to " + uri + " failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("WebSocket to " + uri + " did not open in time", e);
    }
  }

  /** Sends one text frame and waits until it was written. */
  public void send(String text) {
    try {
      socket.sendText(text, true).get(DEFAULT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not send " + text, e);
    }
  }

  /** The next frame not yet taken, waiting up to {@link #DEFAULT_WAIT}. */
  public String nextFrame() {
    return nextFrame(DEFAULT_WAIT);
  }

  /** The next frame not yet taken; fails with an {@link AssertionError} when none came in time. */
  public String nextFrame(Duration wait) {
    try {
      String frame = recorder.unread.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (frame == null) {
        throw new AssertionError(
            "No frame within "
                + wait
                + "; close code "
                + closeCode().map(String::valueOf).orElse("none")
                + "; all frames so far: "
                + frames());
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  /** The next frame if one is already there. */
  public Optional<String> pollFrame() {
    return Optional.ofNullable(recorder.unread.poll());
  }

  /** Every frame received so far, in order, taken or not. */
  public List<String> frames() {
    return List.copyOf(recorder.all);
  }

  /** Waits for the close (by either side, or a broken connection) and returns its code. */
  public int awaitClose() {
    return awaitClose(DEFAULT_WAIT);
  }

  /** Waits for the close and returns its code; fails with an {@link AssertionError} on timeout. */
  public int awaitClose(Duration wait) {
    try {
      return recorder.closed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "The socket was not closed within " + wait + "; frames: " + frames());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The close code, once closed ({@value #ABNORMAL_CLOSURE} when the connection broke). */
  public Optional<Integer> closeCode() {
    return Optional.ofNullable(recorder.closed.getNow(null));
  }

  /** The close reason the server gave, once closed by a close frame. */
  public Optional<String> closeReason() {
    return Optional.ofNullable(recorder.closeReason);
  }

  /** True until a close frame arrived or the connection broke. */
  public boolean isOpen() {
    return !recorder.closed.isDone() && !socket.isInputClosed();
  }

  /**
   * Closes cleanly (code 1000) and waits briefly for the server's answer; a socket that does not
   * read is dropped at once. Always ends the TCP connection.
   */
  @Override
  public void close() {
    if (recorder.reading && !socket.isOutputClosed() && !recorder.closed.isDone()) {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
        recorder.closed.get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        // the connection is dropped below
      }
    }
    socket.abort();
  }

  /** Drops the TCP connection without a close frame. */
  public void abort() {
    socket.abort();
  }

  /** The server refused the upgrade with an HTTP status. */
  public static final class UpgradeRefused extends RuntimeException {
    private final int status;

    UpgradeRefused(int status, URI uri) {
      super("WebSocket upgrade to " + uri + " refused with HTTP " + status);
      this.status = status;
    }

    /** The HTTP status of the refusal. */
    public int status() {
      return status;
    }
  }

  private static final class Recorder implements WebSocket.Listener {
    final boolean reading;
    final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    final List<String> all = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final StringBuilder partial = new StringBuilder();
    volatile String closeReason;

    Recorder(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) {
        webSocket.request(1);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        record(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      if (last) {
        record("<binary frame>");
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeReason = reason;
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(ABNORMAL_CLOSURE);
    }

    private void record(String frame) {
      all.add(frame);
      unread.add(frame);
    }
  }
}
