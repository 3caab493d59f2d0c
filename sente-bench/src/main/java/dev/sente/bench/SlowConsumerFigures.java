package dev.sente.bench;

import dev.sente.core.Packed;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.EventHandler;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteServer;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import dev.sente.server.spi.SenteEndpoint;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The slow-consumer figures of docs/benchmarks.md: a client that stopped reading (a plain socket
 * with a 4 KiB receive buffer that reads nothing after the upgrade) is sent {@code pushes} flushed
 * pushes of {@code kib} KiB by a server with the default options, on Jetty on localhost. Prints, as
 * a markdown table: the heap held after the pushes (after a full GC, above the baseline), the
 * largest outbound backlog the server reported, the push at which the server closed the socket (and
 * with which code), and how long after that close the adapter reported the socket closed and the
 * user left the connected set. The server's calls on the channel are timed through a thin tap on
 * the adapter SPI. When the socket is still open after the pushes, pushing goes on (up to {@code
 * maxPushes}) so that the close and the user's leaving are measured too.
 *
 * <pre>
 * mvn -B -q -pl sente-bench -am package -DskipTests
 * java -Xmx2g -cp "sente-bench/target/classes:$(cat sente-bench/target/classpath.txt)" \
 *     -Dpushes=1000 -Dkib=300 dev.sente.bench.SlowConsumerFigures
 * </pre>
 */
public final class SlowConsumerFigures {

  private SlowConsumerFigures() {}

  /** Runs the measurement once and prints the table. */
  public static void main(String[] args) throws Exception {
    int pushes = Integer.getInteger("pushes", 1000);
    int kib = Integer.getInteger("kib", 300);
    int maxPushes = Integer.getInteger("maxPushes", 1100);

    SenteServer sente =
        SenteServer.builder().allowAnyOrigin().userId(request -> request.header("X-User")).build();
    Tap tap = new Tap();
    CountDownLatch left = new CountDownLatch(1);
    long[] leftAt = {0};
    sente.onConnectedUsersChange(
        change -> {
          if (change.before().any().contains("slow") && !change.after().any().contains("slow")) {
            leftAt[0] = System.nanoTime();
            left.countDown();
          }
        });
    JettyServer jetty = SenteJetty.serve(new Tapped(sente, tap), 0);
    Socket slow = stalledWebSocket(jetty.port(), "slow");
    while (!sente.connectedUsers().any().contains("slow")) {
      Thread.onSpinWait();
    }
    String chunk = "z".repeat(kib * 1024);
    long baseline = usedHeapAfterGc();

    long largestBacklog = 0;
    int sent = 0;
    long firstPush = System.nanoTime();
    while (sent < pushes || (tap.closedAt == 0 && sent < maxPushes)) {
      tap.push = ++sent;
      sente.send("slow", "x/flood", chunk, true);
      largestBacklog = Math.max(largestBacklog, sente.backlog().largestOutboundBytes());
      if (sent == pushes) {
        tap.heldAfterPushes = usedHeapAfterGc() - baseline;
      }
    }
    boolean gone = left.await(20, TimeUnit.SECONDS);
    long heldAtEnd = usedHeapAfterGc() - baseline;

    System.out.println(
        "| pushes | heap held after "
            + pushes
            + " pushes | largest backlog | closed at push"
            + " | adapter reported the close | user left the connected set |");
    System.out.println("|---|---|---|---|---|---|");
    System.out.printf(
        "| %d x %d KiB | %s | %s | %s | %s | %s |%n",
        sent,
        kib,
        mib(tap.heldAfterPushes),
        mib(largestBacklog),
        tap.closedAt == 0
            ? "not closed"
            : "#"
                + tap.closedAtPush
                + " ("
                + tap.closeCode
                + "), "
                + millis(tap.closedAt - firstPush)
                + " after the first",
        tap.closedAt == 0 || tap.reportedAt == 0
            ? "never"
            : millis(tap.reportedAt - tap.closedAt) + " after it",
        !gone ? "not within 20 s" : millis(leftAt[0] - tap.closedAt) + " after the close");
    System.out.println();
    System.out.println(
        "(heap held once the user left: "
            + mib(heldAtEnd)
            + "; disconnect called "
            + (tap.disconnectedAt == 0 ? "never" : millis(tap.disconnectedAt - tap.closedAt))
            + " after the close)");
    slow.close();
    jetty.close();
    sente.close();
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String millis(long nanos) {
    return String.format("%.0f ms", nanos / 1e6);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A plain-socket WebSocket with a small receive buffer that reads nothing after the upgrade. */
  private static Socket stalledWebSocket(int port, String user) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    String request =
        "GET /chsk?client-id=s1 HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-User: "
            + user
            + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade: " + head);
      }
      head.write(b);
    }
    if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head);
    }
    return socket;
  }

  /** When the server closed, cut and heard the close of the WebSocket. */
  private static final class Tap {
    volatile int push;
    volatile long heldAfterPushes;
    volatile long closedAt;
    volatile int closedAtPush;
    volatile int closeCode;
    volatile long disconnectedAt;
    volatile long reportedAt;
  }

  /** The server, with its endpoint's WebSocket channels tapped. */
  private record Tapped(SenteServer sente, Tap tap) implements SenteServer {
    @Override
    public SenteEndpoint endpoint() {
      SenteEndpoint inner = sente.endpoint();
      return new SenteEndpoint() {
        @Override
        public String path() {
          return inner.path();
        }

        @Override
        public long maxMessageBytes() {
          return inner.maxMessageBytes();
        }

        @Override
        public void handle(HttpExchange exchange) {
          inner.handle(new TappedExchange(exchange, tap));
        }

        @Override
        public int heldPolls() {
          return inner.heldPolls();
        }
      };
    }

    @Override
    public SenteServer on(String eventId, EventHandler handler) {
      return sente.on(eventId, handler);
    }

    @Override
    public SenteServer onAny(EventHandler handler) {
      return sente.onAny(handler);
    }

    @Override
    public AutoCloseable onConnectedUsersChange(Consumer<ConnectedUsersChange> listener) {
      return sente.onConnectedUsersChange(listener);
    }

    @Override
    public boolean send(String userId, String eventId, Object data) {
      return sente.send(userId, eventId, data);
    }

    @Override
    public boolean send(String userId, String eventId, Object data, boolean flush) {
      return sente.send(userId, eventId, data, flush);
    }

    @Override
    public int broadcast(String eventId, Object data) {
      return sente.broadcast(eventId, data);
    }

    @Override
    public int disconnect(String userId) {
      return sente.disconnect(userId);
    }

    @Override
    public ConnectedUsers connectedUsers() {
      return sente.connectedUsers();
    }

    @Override
    public SenteConfig config() {
      return sente.config();
    }

    @Override
    public void close() {
      sente.close();
    }
  }

  /** An exchange whose WebSocket is tapped; everything else goes straight through. */
  private record TappedExchange(HttpExchange inner, Tap tap) implements HttpExchange {
    @Override
    public void upgrade(long maxMessageBytes, WebSocketListener listener) {
      inner.upgrade(
          maxMessageBytes,
          new WebSocketListener() {
            @Override
            public void onOpen(WebSocketChannel channel) {
              listener.onOpen(new TappedChannel(channel, tap));
            }

            @Override
            public void onMessage(Packed message) {
              listener.onMessage(message);
            }

            @Override
            public void onClose(int code, String reason) {
              if (tap.reportedAt == 0) {
                tap.reportedAt = System.nanoTime();
              }
              listener.onClose(code, reason);
            }

            @Override
            public void onError(Throwable cause) {
              listener.onError(cause);
            }
          });
    }

    @Override
    public boolean isWebSocketUpgrade() {
      return inner.isWebSocketUpgrade();
    }

    @Override
    public void readBody(long maxBytes, BodyCallback callback) {
      inner.readBody(maxBytes, callback);
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
      inner.respond(status, contentType, body);
    }

    @Override
    public LongPollChannel hold() {
      return inner.hold();
    }

    @Override
    public String method() {
      return inner.method();
    }

    @Override
    public String path() {
      return inner.path();
    }

    @Override
    public String scheme() {
      return inner.scheme();
    }

    @Override
    public Optional<String> host() {
      return inner.host();
    }

    @Override
    public Map<String, List<String>> queryParams() {
      return inner.queryParams();
    }

    @Override
    public Optional<String> header(String name) {
      return inner.header(name);
    }

    @Override
    public Optional<String> cookie(String name) {
      return inner.cookie(name);
    }

    @Override
    public Optional<Object> sessionAttribute(String name) {
      return inner.sessionAttribute(name);
    }

    @Override
    public Optional<java.security.Principal> principal() {
      return inner.principal();
    }

    @Override
    public String remoteAddress() {
      return inner.remoteAddress();
    }
  }

  /** Times the server's close and disconnect of one channel. */
  private record TappedChannel(WebSocketChannel inner, Tap tap) implements WebSocketChannel {
    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public void send(Packed frame, WriteCallback callback) {
      inner.send(frame, callback);
    }

    @Override
    public void close(int code, String reason) {
      if (tap.closedAt == 0) {
        tap.closedAt = System.nanoTime();
        tap.closedAtPush = tap.push;
        tap.closeCode = code;
      }
      inner.close(code, reason);
    }

    @Override
    public void disconnect() {
      if (tap.disconnectedAt == 0) {
        tap.disconnectedAt = System.nanoTime();
      }
      inner.disconnect();
    }

    @Override
    public void pauseReading() {
      inner.pauseReading();
    }

    @Override
    public void resumeReading() {
      inner.resumeReading();
    }
  }
}
