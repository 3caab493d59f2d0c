package dev.sente.jetty.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for tests: listens on an ephemeral loopback port and forwards bytes both ways to a
 * server. {@link #stall()} freezes the network: nothing is forwarded in either direction, on open
 * connections and on new ones, and no socket is closed, as on a half-open or frozen link. {@link
 * #resume()} lets the bytes flow again. It also records the text frames the server writes on
 * WebSocket connections.
 *
 * <pre>{@code
 * try (StallingProxy proxy = StallingProxy.start(jetty.port())) {
 *   SenteClient client = SenteClient.builder(proxy.uri().resolve("/chsk")).build();
 *   proxy.stall();   // the client's pings go unanswered
 *   proxy.resume();
 * }
 * }</pre>
 */
final class StallingProxy implements AutoCloseable {

  private static final int BUFFER_BYTES = 8192;
  private static final long JOIN_MILLIS = 2_000;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Object lock = new Object();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<String> textFramesToClients = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesToClients = new AtomicLong();
  private boolean stalled;
  private boolean closed;

  private StallingProxy(InetSocketAddress target, ServerSocket listener) {
    this.target = target;
    this.listener = listener;
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort}. */
  static StallingProxy start(int targetPort) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      ServerSocket listener = new ServerSocket(0, 50, loopback);
      StallingProxy proxy =
          new StallingProxy(new InetSocketAddress(loopback, targetPort), listener);
      proxy.spawn("stalling-proxy-accept", proxy::acceptLoop);
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port the proxy listens on. */
  int port() {
    return listener.getLocalPort();
  }

  /** {@code http://<loopback>:port}. */
  URI uri() {
    return URI.create("http://" + listener.getInetAddress().getHostAddress() + ":" + port());
  }

  /** Stops forwarding in both directions, without closing anything. */
  void stall() {
    synchronized (lock) {
      stalled = true;
    }
  }

  /** Forwards again, on the held connections and on new ones. */
  void resume() {
    synchronized (lock) {
      stalled = false;
      lock.notifyAll();
    }
  }

  /** Bytes forwarded from the server to the clients so far. */
  long bytesToClients() {
    return bytesToClients.get();
  }

  /** The payloads of the text frames forwarded from the server on WebSocket connections. */
  List<String> textFramesToClients() {
    return List.copyOf(textFramesToClients);
  }

  /** Closes the listener and every connection, and ends the proxy's threads. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    closeQuietly(listener);
    sockets.forEach(StallingProxy::closeQuietly);
    for (Thread thread : new ArrayList<>(threads)) {
      try {
        thread.join(JOIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      sockets.add(client);
      sockets.add(server);
      try {
        server.connect(target, 5_000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(server);
        continue;
      }
      if (isClosed()) {
        closeQuietly(client);
        closeQuietly(server);
        return;
      }
      WebSocketFrameTap tap = new WebSocketFrameTap(textFramesToClients::add);
      spawn("stalling-proxy-up", () -> pump(client, server, null));
      spawn("stalling-proxy-down", () -> pump(server, client, tap));
    }
  }

  /** Copies one direction; a read's result waits while the proxy is stalled. */
  private void pump(Socket from, Socket to, WebSocketFrameTap tap) {
    byte[] buffer = new byte[BUFFER_BYTES];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        int n = in.read(buffer);
        if (!awaitFlowing() || n < 0) {
          break;
        }
        if (tap != null) {
          bytesToClients.addAndGet(n);
          tap.feed(buffer, n);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a reset or a closed socket: the pair ends, as the TCP connection would
    }
    if (awaitFlowing()) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Waits while stalled; false when the proxy is closed. */
  private boolean awaitFlowing() {
    synchronized (lock) {
      while (stalled && !closed) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }
  }

  private boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void spawn(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    threads.add(thread);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
