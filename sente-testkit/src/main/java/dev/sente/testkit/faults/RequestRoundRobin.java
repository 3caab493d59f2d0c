package dev.sente.testkit.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load balancer without sticky sessions, for cluster tests: every HTTP request goes to the next
 * server in turn, whatever connection it came on. It reads each request's head, sends it on to the
 * next server with {@code Connection: close} (so the server answers and closes, and the client
 * opens a new connection, to the next server, for its next request), and relays the answer. A
 * WebSocket upgrade goes to the next server too and stays there for the socket's life.
 *
 * <p>Counts the requests sent to each server ({@link #requestsTo}). Plain threads, one per
 * connection direction: for tests, not for load.
 */
public final class RequestRoundRobin implements AutoCloseable {
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final ServerSocket server;
  private final List<Integer> ports;
  private final AtomicInteger next = new AtomicInteger();
  private final ConcurrentHashMap<Integer, AtomicLong> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap.KeySetView<Socket, Boolean> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private RequestRoundRobin(int listen, List<Integer> ports) throws IOException {
    this.ports = List.copyOf(ports);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listen));
    Thread accept = new Thread(this::accept, "round-robin-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a balancer on a free loopback port in front of servers on these loopback ports. */
  public static RequestRoundRobin to(int... ports) {
    return on(0, ports);
  }

  /**
   * Starts a balancer on the loopback port {@code listen} (0: a free one) in front of servers on
   * these loopback ports; fails when the port is taken.
   */
  public static RequestRoundRobin on(int listen, int... ports) {
    if (ports.length == 0) {
      throw new IllegalArgumentException("at least one port");
    }
    try {
      return new RequestRoundRobin(listen, java.util.Arrays.stream(ports).boxed().toList());
    } catch (IOException e) {
      throw new IllegalStateException("could not start the balancer on port " + listen, e);
    }
  }

  /** {@code http://127.0.0.1:<port>/}. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
  }

  /** The requests (and upgrades) sent to the server on {@code port} so far. */
  public long requestsTo(int port) {
    AtomicLong count = requests.get(port);
    return count == null ? 0 : count.get();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> serve(client), "round-robin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    Socket backend = null;
    try (client) {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      boolean upgrade = text.toLowerCase(Locale.ROOT).contains("\nupgrade: websocket");
      int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
      requests.computeIfAbsent(port, p -> new AtomicLong()).incrementAndGet();
      backend = new Socket(InetAddress.getLoopbackAddress(), port);
      open.add(backend);
      OutputStream toBackend = backend.getOutputStream();
      toBackend.write(upgrade ? head : closing(text).getBytes(StandardCharsets.ISO_8859_1));
      toBackend.flush();
      Socket b = backend;
      Thread up =
          new Thread(
              () -> {
                try {
                  in.transferTo(b.getOutputStream()); // the body, or the socket's frames
                } catch (IOException ignored) {
                  // either side went away
                } finally {
                  try {
                    b.shutdownOutput();
                  } catch (IOException ignored) {
                    // already closed
                  }
                }
              },
              "round-robin-up");
      up.setDaemon(true);
      up.start();
      backend.getInputStream().transferTo(client.getOutputStream());
    } catch (IOException ignored) {
      // a side went away: close both
    } finally {
      if (backend != null) {
        try {
          backend.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        open.remove(backend);
      }
      open.remove(client);
    }
  }

  /** The request's head with {@code Connection: close} instead of any Connection header. */
  private static String closing(String head) {
    StringBuilder out = new StringBuilder(head.length() + 20);
    String[] lines = head.split("\r\n", -1);
    out.append(lines[0]).append("\r\n");
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("connection:") || lower.startsWith("keep-alive:")) {
        continue;
      }
      out.append(line).append("\r\n");
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  /** Reads up to and including the blank line that ends a request's head; null at end of stream. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int last4 = 0;
    while (head.size() < MAX_HEAD_BYTES) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
      if (last4 == 0x0d0a0d0a) { // CR LF CR LF
        return head.toByteArray();
      }
    }
    throw new IOException("a request head over " + MAX_HEAD_BYTES + " bytes");
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
