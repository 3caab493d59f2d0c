package dev.sente.testkit.faults;

import dev.sente.core.concurrent.HandlerExecutors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault tests: it listens on an ephemeral port of {@code 127.0.0.1} and forwards
 * every connection, byte for byte, to a target server, while the test breaks the network the way
 * real networks break. Works with any adapter and any client, since it only sees TCP.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to(jetty.port())) {
 *   SenteClient client = SenteClient.builder(proxy.uri().resolve("/chsk")).build();
 *   proxy.cut(Duration.ofSeconds(1));   // both peers see a reset; reconnects fail for 1 s
 *   proxy.stall();                      // silence both ways, nothing closed (a half-open link)
 *   proxy.resume();
 *   proxy.retarget(restarted.port());   // new connections reach another server
 * }
 * }</pre>
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>{@link #cut()}: resets every open connection on both sides at once (SO_LINGER 0, so each
 *       peer gets a TCP RST); new connections keep being accepted. {@link #cutGracefully()} closes
 *       them with a FIN instead.
 *   <li>{@link #cut(Duration)}, {@link #refuseFor(Duration)}, {@link #down()} / {@link #restore()}:
 *       while the proxy is <em>down</em>, a new connection is <b>accepted and reset at once</b>, so
 *       the client's connect or first request fails with a reset. (The listening socket stays
 *       bound, so that no other process can take the port and the proxy's port never changes.)
 *   <li>{@link #stall()}, {@link #stall(Direction)}, {@link #resume()}: nothing is forwarded in the
 *       stalled direction(s), on open and on new connections, and nothing is closed: the peers see
 *       a silent connection, as with a half-open link. The bytes are held (and flow on resume, in
 *       order); with {@link #stallDropping(Direction)} they are read and thrown away instead, as a
 *       real drop loses them, and since a TCP stream with a hole cannot go on, {@link #resume()}
 *       then resets the connections that lost bytes. A close seen while stalled is held too.
 *   <li>{@link #delay(Duration)}: each chunk read is held for that long before it is written (a
 *       slow link; one chunk at a time per direction, so it also bounds the throughput).
 *   <li>{@link #resetClientSides()} (or {@link Connection#resetClientSide()}): the client-facing
 *       socket is reset while the server-facing one stays open and silent, never forwarding and
 *       never closing (until {@link #cut()} or {@link #close()}): the client reconnects before the
 *       server notices that its connection is dead.
 *   <li>{@link #answer200InsteadOf101()} (once) or {@link #answer200InsteadOf101(boolean)} (while
 *       set): a WebSocket upgrade request is answered {@code HTTP/1.1 200 OK} with a small HTML
 *       body by the proxy instead of reaching the server, as a middlebox that breaks upgrades does.
 *       Only the first request of a connection is looked at (clients open a fresh connection to
 *       upgrade).
 *   <li>{@link #retarget(int)}: new connections go to another port (a server restarted elsewhere,
 *       the same effect as a restart on the same port with any adapter); open ones keep theirs.
 * </ul>
 *
 * <p>Every connection is tracked ({@link #connections()}, {@link #acceptedConnections()}), with the
 * bytes forwarded per direction. Thread-safe. Two threads per connection plus one accepting
 * (virtual threads when the runtime has them, daemon platform threads otherwise); every loop ends
 * when its sockets close, and {@link #close()} closes every socket and waits for every thread.
 */
public final class FaultProxy implements AutoCloseable {

  /** The direction of the bytes. */
  public enum Direction {
    /** From the client to the server. */
    TO_SERVER,
    /** From the server to the client. */
    TO_CLIENT,
    /** Both ways. */
    BOTH;

    boolean includes(Direction d) {
      return this == BOTH || this == d;
    }
  }

  /** The body of the {@code 200 OK} answered instead of a WebSocket upgrade. */
  public static final String BROKEN_UPGRADE_BODY =
      "<html><body>This network does not allow WebSockets.</body></html>";

  /** How many text frames {@link #textFramesToClients()} keeps (the later ones are not kept). */
  public static final int MAX_RECORDED_FRAMES = 10_000;

  private static final int BUFFER_BYTES = 8192;
  private static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long CLOSE_WAIT_SECONDS = 5;

  private final ServerSocket listener;
  private final ExecutorService threads;
  private final Object lock = new Object();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private final List<String> textFrames = new ArrayList<>(); // guarded by itself
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger brokenUpgrades = new AtomicInteger();
  private final AtomicInteger runningThreads = new AtomicInteger();
  private final AtomicLong bytesToServer = new AtomicLong();
  private final AtomicLong bytesToClient = new AtomicLong();
  private final AtomicLong cuts = new AtomicLong();
  private final AtomicLong bytesDropped = new AtomicLong();
  private volatile InetSocketAddress target;
  private volatile List<InetSocketAddress> roundRobin = List.of(); // empty: every one to target
  private final AtomicInteger nextTarget = new AtomicInteger();

  // guarded by lock
  private boolean closed;
  private boolean stalledToServer;
  private boolean stalledToClient;
  private boolean droppingToServer;
  private boolean droppingToClient;
  private boolean downForever;
  private long downUntil; // System.nanoTime(); meaningful while downTimed
  private boolean downTimed;
  private long delayNanos;
  private int upgradesToBreak;
  private boolean breakEveryUpgrade;
  private int forwardingToServer; // chunks let through and being written
  private int forwardingToClient;

  private FaultProxy(ServerSocket listener, InetSocketAddress target) {
    this.listener = listener;
    this.target = target;
    this.threads = HandlerExecutors.newHandlerExecutor("fault-proxy");
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy to(int targetPort) {
    return to(loopback().getHostAddress(), targetPort);
  }

  /** Starts a proxy to {@code host:port} (tests use loopback addresses only). */
  public static FaultProxy to(String host, int port) {
    Objects.requireNonNull(host, "host");
    checkPort(port);
    ServerSocket listener;
    try {
      listener = new ServerSocket(0, 100, loopback());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FaultProxy proxy = new FaultProxy(listener, new InetSocketAddress(host, port));
    proxy.spawn(proxy::acceptLoop);
    return proxy;
  }

  /**
   * Starts a proxy to several servers on {@code 127.0.0.1}, as a load balancer with no sticky
   * sessions would: each new connection goes to the next port in turn (per TCP connection, not per
   * HTTP request: a client that keeps its connection alive stays on one server until the connection
   * is cut). Every fault applies to all of them.
   */
  public static FaultProxy roundRobin(int... ports) {
    if (ports.length == 0) {
      throw new IllegalArgumentException("roundRobin needs at least one port");
    }
    List<InetSocketAddress> targets = new ArrayList<>(ports.length);
    for (int port : ports) {
      checkPort(port);
      targets.add(new InetSocketAddress(loopback().getHostAddress(), port));
    }
    FaultProxy proxy = to(ports[0]);
    proxy.roundRobin = List.copyOf(targets);
    return proxy;
  }

  private InetSocketAddress nextTarget() {
    List<InetSocketAddress> targets = roundRobin;
    if (targets.isEmpty()) {
      return target;
    }
    return targets.get(Math.floorMod(nextTarget.getAndIncrement(), targets.size()));
  }

  /** The port the proxy listens on. */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}. */
  public URI uri() {
    return URI.create("http://" + listener.getInetAddress().getHostAddress() + ":" + port());
  }

  /** The port new connections are forwarded to. */
  public int targetPort() {
    return target.getPort();
  }

  /**
   * Forwards new connections to another port of the same host (ending a {@link #roundRobin}); open
   * connections keep theirs.
   */
  public void retarget(int port) {
    checkPort(port);
    target = new InetSocketAddress(target.getHostString(), port);
    roundRobin = List.of();
  }

  // ---- cuts and refusals ----

  /** Resets every open connection on both sides at once; new connections are still accepted. */
  public void cut() {
    cuts.incrementAndGet(); // a connection being set up now is reset when registered
    for (Connection connection : List.copyOf(open)) {
      connection.cut();
    }
  }

  /**
   * Closes every open connection on both sides at once with a FIN instead of a reset (an orderly
   * close that neither peer asked for); new connections are still accepted.
   */
  public void cutGracefully() {
    cuts.incrementAndGet();
    for (Connection connection : List.copyOf(open)) {
      connection.end(false);
    }
  }

  /**
   * Resets every open connection and stays down for the period: new connections are accepted and
   * reset at once, until the period ends (or {@link #restore()}).
   */
  public void cut(Duration down) {
    refuseFor(down);
    cut();
  }

  /**
   * Stays down for the period without touching open connections: new connections are accepted and
   * reset at once until it ends (or {@link #restore()}).
   */
  public void refuseFor(Duration period) {
    requireNonNegative(period, "period");
    synchronized (lock) {
      downTimed = true;
      downUntil = System.nanoTime() + period.toNanos();
    }
  }

  /** Goes down until {@link #restore()}: new connections are accepted and reset at once. */
  public void down() {
    synchronized (lock) {
      downForever = true;
    }
  }

  /** Ends a {@link #down()}, {@link #refuseFor} or {@link #cut(Duration)} period now. */
  public void restore() {
    synchronized (lock) {
      downForever = false;
      downTimed = false;
    }
  }

  /** True while new connections are reset. */
  public boolean isDown() {
    synchronized (lock) {
      return isDownLocked();
    }
  }

  /**
   * Resets the client-facing socket of every open connection and keeps the server-facing one open
   * and silent (see {@link Connection#resetClientSide()}).
   */
  public void resetClientSides() {
    for (Connection connection : List.copyOf(open)) {
      connection.resetClientSide();
    }
  }

  // ---- stalls and delays ----

  /**
   * Stops forwarding both ways, holding the bytes, without closing anything. When it returns,
   * nothing more is forwarded (a chunk being written at the call is written first).
   */
  public void stall() {
    stall(Direction.BOTH);
  }

  /** Stops forwarding in a direction (or both), holding the bytes, without closing anything. */
  public void stall(Direction direction) {
    stall(direction, false);
  }

  /**
   * Stops forwarding in a direction (or both) and throws the bytes read meanwhile away; {@link
   * #resume()} resets the connections that lost bytes.
   */
  public void stallDropping(Direction direction) {
    stall(direction, true);
  }

  private void stall(Direction direction, boolean drop) {
    Objects.requireNonNull(direction, "direction");
    synchronized (lock) {
      if (direction.includes(Direction.TO_SERVER)) {
        stalledToServer = true;
        droppingToServer = drop;
      }
      if (direction.includes(Direction.TO_CLIENT)) {
        stalledToClient = true;
        droppingToClient = drop;
      }
      // a chunk let through just before is written before this returns (or the wait gives up)
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
      while (!closed
          && (direction.includes(Direction.TO_SERVER) && forwardingToServer > 0
              || direction.includes(Direction.TO_CLIENT) && forwardingToClient > 0)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  /**
   * Forwards again both ways: held bytes flow, in order; connections that lost bytes to {@link
   * #stallDropping} are reset.
   */
  public void resume() {
    synchronized (lock) {
      stalledToServer = false;
      stalledToClient = false;
      droppingToServer = false;
      droppingToClient = false;
      lock.notifyAll();
    }
    for (Connection connection : List.copyOf(open)) {
      if (connection.lostBytes) {
        connection.cut();
      }
    }
  }

  /** True while some direction is stalled. */
  public boolean isStalled() {
    synchronized (lock) {
      return stalledToServer || stalledToClient;
    }
  }

  /** Holds each chunk that long before writing it, in both directions; zero forwards at once. */
  public void delay(Duration perChunk) {
    requireNonNegative(perChunk, "perChunk");
    synchronized (lock) {
      delayNanos = perChunk.toNanos();
      lock.notifyAll();
    }
  }

  // ---- broken upgrades ----

  /** Answers the next WebSocket upgrade request {@code 200 OK} instead of forwarding it. */
  public void answer200InsteadOf101() {
    synchronized (lock) {
      upgradesToBreak++;
    }
  }

  /**
   * While true, answers every WebSocket upgrade request {@code 200 OK} instead of forwarding it;
   * false also forgets the pending ones of {@link #answer200InsteadOf101()}.
   */
  public void answer200InsteadOf101(boolean always) {
    synchronized (lock) {
      breakEveryUpgrade = always;
      if (!always) {
        upgradesToBreak = 0;
      }
    }
  }

  /** How many upgrade requests the proxy answered {@code 200 OK}. */
  public int brokenUpgrades() {
    return brokenUpgrades.get();
  }

  // ---- counters ----

  /** The connections open now (a connection whose client side was reset counts until closed). */
  public List<Connection> connections() {
    List<Connection> list = new ArrayList<>(open);
    list.sort((a, b) -> Integer.compare(a.id, b.id));
    return list;
  }

  /** How many connections are open now. */
  public int openConnections() {
    return open.size();
  }

  /** How many connections the proxy accepted in all, refused ones included. */
  public int acceptedConnections() {
    return accepted.get();
  }

  /** How many connections were reset at once because the proxy was down. */
  public int refusedConnections() {
    return refused.get();
  }

  /**
   * How many of the proxy's threads are running: 1 accepting, 2 per connection being pumped (a
   * connection whose client side was reset keeps at most its server-side reader); 0 after {@link
   * #close()}.
   */
  public int runningThreads() {
    return runningThreads.get();
  }

  /** Bytes forwarded to servers so far (counted as they are written). */
  public long bytesToServer() {
    return bytesToServer.get();
  }

  /** Bytes forwarded to clients so far (counted as they are written). */
  public long bytesToClient() {
    return bytesToClient.get();
  }

  /** Bytes read and thrown away by {@link #stallDropping} so far. */
  public long bytesDropped() {
    return bytesDropped.get();
  }

  /**
   * The payloads of the text frames forwarded to clients on WebSocket connections, in order per
   * connection (the first {@value #MAX_RECORDED_FRAMES}).
   */
  public List<String> textFramesToClients() {
    synchronized (textFrames) {
      return List.copyOf(textFrames);
    }
  }

  /** Closes the listener and every connection, and waits until the proxy's threads ended. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lock.notifyAll();
    }
    closeQuietly(listener);
    for (Connection connection : List.copyOf(open)) {
      connection.abort();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the connections ----

  /** One proxied connection: a client-facing and a server-facing socket, pumped both ways. */
  public final class Connection {
    private final int id;
    private final Socket client;
    private final Socket server;
    private final boolean peekFirstRequest;
    private final AtomicLong toServer = new AtomicLong();
    private final AtomicLong toClient = new AtomicLong();
    private final WebSocketFrameTap tap = new WebSocketFrameTap(FaultProxy.this::recordFrame);
    // guarded by lock
    private boolean ended;
    private boolean clientSideReset;
    private int halfClosed;
    private volatile boolean lostBytes;

    private Connection(int id, Socket client, Socket server, boolean peekFirstRequest) {
      this.id = id;
      this.client = client;
      this.server = server;
      this.peekFirstRequest = peekFirstRequest;
    }

    /** The connection's number, from 1 in the order accepted. */
    public int id() {
      return id;
    }

    /** True until both sockets are closed. */
    public boolean isOpen() {
      synchronized (lock) {
        return !ended;
      }
    }

    /** True once its client side was reset by {@link #resetClientSide()}. */
    public boolean isClientSideReset() {
      synchronized (lock) {
        return clientSideReset;
      }
    }

    /** The server port this connection was forwarded to. */
    public int targetPort() {
      return server.getPort();
    }

    /** Bytes written to the server on this connection. */
    public long bytesToServer() {
      return toServer.get();
    }

    /** Bytes written to the client on this connection. */
    public long bytesToClient() {
      return toClient.get();
    }

    /** Resets both sides of this connection. */
    public void cut() {
      abort();
    }

    /**
     * Resets the client-facing socket and keeps the server-facing one open and silent: nothing more
     * is forwarded to the server nor read from it, and it is not closed until {@link
     * FaultProxy#cut()} or {@link FaultProxy#close()}.
     */
    public void resetClientSide() {
      synchronized (lock) {
        if (ended || clientSideReset) {
          return;
        }
        clientSideReset = true;
        lock.notifyAll();
      }
      reset(client);
    }

    @Override
    public String toString() {
      return "Connection[" + id + ", " + (isOpen() ? "open" : "closed") + "]";
    }

    /** Resets both sockets (RST); idempotent. */
    void abort() {
      end(true);
    }

    /** Closes both sockets, with a reset or a FIN; idempotent. */
    void end(boolean withReset) {
      synchronized (lock) {
        if (ended) {
          return;
        }
        ended = true;
        lock.notifyAll();
      }
      if (withReset) {
        reset(client);
        reset(server);
      } else {
        closeQuietly(client);
        closeQuietly(server);
      }
      open.remove(this);
    }

    /** One direction ended with a FIN, passed on; when both did, the sockets are closed. */
    private void halfClose(Socket to) {
      boolean both;
      synchronized (lock) {
        if (ended) {
          return;
        }
        halfClosed++;
        both = halfClosed == 2;
        if (both) {
          ended = true;
          lock.notifyAll();
        }
      }
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // the peer is gone already
      }
      if (both) {
        closeQuietly(client);
        closeQuietly(server);
        open.remove(this);
      }
    }

    private void pump(Direction direction) {
      boolean toServerSide = direction == Direction.TO_SERVER;
      Socket from = toServerSide ? client : server;
      Socket to = toServerSide ? server : client;
      AtomicLong counter = toServerSide ? toServer : toClient;
      AtomicLong total = toServerSide ? bytesToServer : bytesToClient;
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        byte[] buffer = new byte[BUFFER_BYTES];
        byte[] head = null;
        if (toServerSide && peekFirstRequest) {
          head = readHead(in);
          if (isUpgrade(head) && takeBrokenUpgrade()) {
            brokenUpgrades.incrementAndGet();
            answer200();
            return;
          }
        }
        while (true) {
          byte[] chunk = buffer;
          int n;
          if (head != null) {
            chunk = head;
            n = head.length > 0 ? head.length : -1;
            head = null;
          } else {
            n = in.read(buffer);
          }
          if (!waitOutDelay()) {
            return;
          }
          Gate gate = gate(direction);
          if (gate == Gate.END) {
            return;
          }
          if (gate == Gate.DROP) {
            lostBytes = true;
            if (n > 0) {
              bytesDropped.addAndGet(n);
            }
            if (n < 0) {
              awaitEnd(); // the FIN is lost with the bytes; resume() resets the connection
              return;
            }
            continue;
          }
          try {
            if (n < 0) {
              halfClose(to);
              return;
            }
            if (!toServerSide) {
              tap.feed(chunk, n);
            }
            // counted first, so that a peer that has the bytes sees them counted
            counter.addAndGet(n);
            total.addAndGet(n);
            out.write(chunk, 0, n);
            out.flush();
          } finally {
            forwarded(direction);
          }
        }
      } catch (IOException e) {
        // a reset, or a socket closed under the pump
        synchronized (lock) {
          if (clientSideReset) {
            return; // the server side stays open and silent
          }
        }
        abort();
      }
    }

    /** Reads up to the end of the first request's head (or EOF, or a bound); empty at EOF. */
    private byte[] readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      byte[] buffer = new byte[BUFFER_BYTES];
      while (head.size() < MAX_HEAD_BYTES
          && WebSocketFrameTap.indexOf(head.toByteArray(), WebSocketFrameTap.END_OF_HEADERS) < 0) {
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        head.write(buffer, 0, n);
      }
      return head.toByteArray();
    }

    private void answer200() throws IOException {
      byte[] body = BROKEN_UPGRADE_BODY.getBytes(StandardCharsets.UTF_8);
      String headers =
          "HTTP/1.1 200 OK\r\n"
              + "Content-Type: text/html; charset=utf-8\r\n"
              + "Content-Length: "
              + body.length
              + "\r\n"
              + "Connection: close\r\n\r\n";
      OutputStream toClientOut = client.getOutputStream();
      toClientOut.write(headers.getBytes(StandardCharsets.ISO_8859_1));
      toClientOut.write(body);
      toClientOut.flush();
      synchronized (lock) {
        ended = true;
        lock.notifyAll();
      }
      client.shutdownOutput();
      closeQuietly(client);
      closeQuietly(server);
      open.remove(this);
    }

    /** Decides what happens to a chunk just read, waiting while its direction is held. */
    private Gate gate(Direction direction) {
      synchronized (lock) {
        while (true) {
          if (closed || ended || clientSideReset) {
            return Gate.END;
          }
          boolean toServerSide = direction == Direction.TO_SERVER;
          if (!(toServerSide ? stalledToServer : stalledToClient)) {
            if (toServerSide) {
              forwardingToServer++;
            } else {
              forwardingToClient++;
            }
            return Gate.FORWARD;
          }
          if (toServerSide ? droppingToServer : droppingToClient) {
            return Gate.DROP;
          }
          waitOnLock(0);
        }
      }
    }

    /** A chunk let through by {@link #gate} was written (or failed). */
    private void forwarded(Direction direction) {
      synchronized (lock) {
        if (direction == Direction.TO_SERVER) {
          forwardingToServer--;
        } else {
          forwardingToClient--;
        }
        lock.notifyAll();
      }
    }

    /** Holds a chunk for the configured delay; false when the connection ended meanwhile. */
    private boolean waitOutDelay() {
      synchronized (lock) {
        long deadline = System.nanoTime() + delayNanos;
        while (!closed && !ended && !clientSideReset) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return true;
          }
          waitOnLock(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return false;
      }
    }

    private void awaitEnd() {
      synchronized (lock) {
        while (!closed && !ended) {
          waitOnLock(0);
        }
      }
    }
  }

  private enum Gate {
    FORWARD,
    DROP,
    END
  }

  // ---- accepting ----

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // the listener closed
      }
      int id = accepted.incrementAndGet();
      boolean peek;
      synchronized (lock) {
        if (closed) {
          reset(client);
          return;
        }
        if (isDownLocked()) {
          refused.incrementAndGet();
          reset(client);
          continue;
        }
        peek = breakEveryUpgrade || upgradesToBreak > 0;
      }
      long cutsBefore = cuts.get();
      Socket server = new Socket();
      try {
        server.connect(nextTarget(), CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        reset(client); // the target is not there: the client sees its connection reset
        closeQuietly(server);
        continue;
      }
      Connection connection = new Connection(id, client, server, peek);
      open.add(connection);
      if (cuts.get() != cutsBefore) {
        connection.abort(); // cut while it was being set up (a graceful cut too: it is new)
        continue;
      }
      if (isClosedNow()) {
        connection.abort();
        return;
      }
      if (!spawn(() -> connection.pump(Direction.TO_SERVER))
          || !spawn(() -> connection.pump(Direction.TO_CLIENT))) {
        connection.abort();
        return;
      }
    }
  }

  private boolean takeBrokenUpgrade() {
    synchronized (lock) {
      if (breakEveryUpgrade) {
        return true;
      }
      if (upgradesToBreak > 0) {
        upgradesToBreak--;
        return true;
      }
      return false;
    }
  }

  private boolean isDownLocked() {
    if (downForever) {
      return true;
    }
    if (downTimed && System.nanoTime() - downUntil < 0) {
      return true;
    }
    downTimed = false;
    return false;
  }

  private boolean isClosedNow() {
    synchronized (lock) {
      return closed;
    }
  }

  private void recordFrame(String frame) {
    synchronized (textFrames) {
      if (textFrames.size() < MAX_RECORDED_FRAMES) {
        textFrames.add(frame);
      }
    }
  }

  /** Must hold the lock; for the proxy's own threads. */
  private void waitOnLock(long millis) {
    try {
      lock.wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true; // only close() interrupts (shutdownNow): end the loops
      lock.notifyAll();
    }
  }

  private boolean spawn(Runnable task) {
    try {
      runningThreads.incrementAndGet();
      threads.execute(
          () -> {
            try {
              task.run();
            } finally {
              runningThreads.decrementAndGet();
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      runningThreads.decrementAndGet();
      return false; // closing
    }
  }

  static boolean isUpgrade(byte[] head) {
    String text = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0
          && line.substring(0, colon).trim().equals("upgrade")
          && line.substring(colon + 1).contains("websocket")) {
        return true;
      }
    }
    return false;
  }

  private static void reset(Socket socket) {
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
    } catch (SocketException e) {
      // closing anyway
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535: " + port);
    }
  }

  private static void requireNonNegative(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + duration);
    }
  }
}
