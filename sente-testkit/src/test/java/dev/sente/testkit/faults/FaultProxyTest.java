package dev.sente.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sente.testkit.Closer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The proxy's faults on plain sockets: a loopback server socket stands for the server. */
@Timeout(30)
class FaultProxyTest {

  /** How long "nothing arrives" is watched. */
  private static final int QUIET_MILLIS = 300;

  @RegisterExtension final Closer closer = new Closer();

  /** A server socket whose accepted connections the test takes in order. */
  private final class Target implements AutoCloseable {
    final ServerSocket socket;
    final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    final Thread thread;

    Target() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
      thread =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(closer.add(socket.accept()));
                  }
                } catch (IOException e) {
                  // closed
                }
              });
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    Socket next() throws InterruptedException {
      Socket next = accepted.poll(10, TimeUnit.SECONDS);
      assertThat(next).as("a connection reaches the server").isNotNull();
      return next;
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(5_000);
    }
  }

  private Target target() throws IOException {
    return closer.add(new Target());
  }

  private Socket connect(FaultProxy proxy) throws IOException {
    Socket socket = closer.add(new Socket(InetAddress.getByName("127.0.0.1"), proxy.port()));
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
  }

  private static String read(Socket socket, int length) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(length);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Asserts that nothing arrives and the connection does not close during QUIET_MILLIS. */
  private static void assertSilent(Socket socket) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(QUIET_MILLIS);
    try {
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  /** Asserts that the peer closed or reset the connection. */
  private static void assertClosedByPeer(Socket socket) {
    try {
      InputStream in = socket.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
    } catch (IOException e) {
      assertThat(e)
          .isInstanceOf(SocketException.class)
          .isNotInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void forwardsBothWaysAndCountsConnectionsAndBytes() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "hello");
    Socket upstream = server.next();
    assertThat(read(upstream, 5)).isEqualTo("hello");
    write(upstream, "wide world");
    assertThat(read(client, 10)).isEqualTo("wide world");

    assertThat(proxy.acceptedConnections()).isEqualTo(1);
    assertThat(proxy.openConnections()).isEqualTo(1);
    assertThat(proxy.bytesToServer()).isEqualTo(5);
    assertThat(proxy.bytesToClient()).isEqualTo(10);
    FaultProxy.Connection connection = proxy.connections().get(0);
    assertThat(connection.bytesToServer()).isEqualTo(5);
    assertThat(connection.bytesToClient()).isEqualTo(10);

    // a close on one side is passed on, and the connection is forgotten
    upstream.close();
    assertClosedByPeer(client);
    client.close();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void cutResetsBothSidesAndNewConnectionsStillWork() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "a");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("a");

    proxy.cut();

    assertClosedByPeer(client);
    assertClosedByPeer(upstream);
    assertThat(proxy.openConnections()).isZero();
    Socket again = connect(proxy);
    write(again, "b");
    assertThat(read(server.next(), 1)).isEqualTo("b");
  }

  @Test
  void aGracefulCutClosesBothSidesWithAFin() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "a");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("a");

    proxy.cutGracefully();

    assertThat(client.getInputStream().read()).isEqualTo(-1);
    assertThat(upstream.getInputStream().read()).isEqualTo(-1);
    assertThat(proxy.openConnections()).isZero();
  }

  @Test
  void whileDownNewConnectionsAreResetAtOnceUntilRestored() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket before = connect(proxy);
    write(before, "a");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("a");

    proxy.cut(Duration.ofMinutes(1));
    assertThat(proxy.isDown()).isTrue();
    assertClosedByPeer(before);
    assertClosedByPeer(upstream);
    assertClosedByPeer(connect(proxy));
    assertThat(proxy.refusedConnections()).isEqualTo(1);
    assertThat(server.accepted).isEmpty();

    proxy.restore();
    Socket after = connect(proxy);
    write(after, "b");
    assertThat(read(server.next(), 1)).isEqualTo("b");

    // a short period ends by itself
    proxy.refuseFor(Duration.ofMillis(100));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !proxy.isDown());
    write(connect(proxy), "c");
    assertThat(read(server.next(), 1)).isEqualTo("c");
  }

  @Test
  void aStallHoldsTheBytesAndClosesNothingUntilResumed() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "1");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("1");

    proxy.stall();
    write(client, "2");
    write(upstream, "3");
    assertSilent(upstream);
    assertSilent(client);
    long toServer = proxy.bytesToServer();
    long toClient = proxy.bytesToClient();

    proxy.resume();
    assertThat(read(upstream, 1)).isEqualTo("2");
    assertThat(read(client, 1)).isEqualTo("3");
    assertThat(proxy.bytesToServer()).isEqualTo(toServer + 1);
    assertThat(proxy.bytesToClient()).isEqualTo(toClient + 1);
  }

  @Test
  void aStallInOneDirectionLetsTheOtherFlow() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "1");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("1");

    proxy.stall(FaultProxy.Direction.TO_CLIENT);
    write(upstream, "held");
    write(client, "2");
    assertThat(read(upstream, 1)).isEqualTo("2");
    assertSilent(client);

    proxy.resume();
    assertThat(read(client, 4)).isEqualTo("held");
  }

  @Test
  void aDroppingStallLosesTheBytesAndResumeResetsTheDamagedConnection() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "1");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("1");

    proxy.stallDropping(FaultProxy.Direction.BOTH);
    write(client, "lost");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.bytesDropped() == 4);
    assertSilent(upstream);

    proxy.resume();
    assertClosedByPeer(upstream);
    assertClosedByPeer(client);
    assertThat(proxy.bytesToServer()).isEqualTo(1);
  }

  @Test
  void aDelayHoldsEachChunk() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "1");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("1");

    proxy.delay(Duration.ofMillis(200));
    long start = System.nanoTime();
    write(client, "2");
    assertThat(read(upstream, 1)).isEqualTo("2");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));

    proxy.delay(Duration.ZERO);
    write(upstream, "3");
    assertThat(read(client, 1)).isEqualTo("3");
  }

  @Test
  void aClientSideResetLeavesTheServerSideOpenAndSilent() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    Socket client = connect(proxy);
    write(client, "1");
    Socket upstream = server.next();
    assertThat(read(upstream, 1)).isEqualTo("1");

    proxy.resetClientSides();

    assertClosedByPeer(client);
    write(upstream, "into the void");
    assertSilent(upstream);
    assertThat(proxy.openConnections()).isEqualTo(1);
    assertThat(proxy.connections().get(0).isClientSideReset()).isTrue();
    // the client reconnects at once: a new connection, while the old one is still open upstream
    write(connect(proxy), "2");
    assertThat(read(server.next(), 1)).isEqualTo("2");
    assertThat(proxy.openConnections()).isEqualTo(2);

    proxy.cut();
    assertClosedByPeer(upstream);
  }

  @Test
  void aWebSocketUpgradeIsAnswered200WhileTheProxyBreaksUpgrades() throws Exception {
    Target server = target();
    FaultProxy proxy = closer.add(FaultProxy.to(server.port()));
    String upgrade =
        "GET /chsk HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
    String plain = "GET /chsk HTTP/1.1\r\nHost: x\r\n\r\n";

    proxy.answer200InsteadOf101();
    // a plain request is forwarded and does not use the broken upgrade up
    Socket ajax = connect(proxy);
    write(ajax, plain);
    assertThat(read(server.next(), plain.length())).isEqualTo(plain);

    Socket broken = connect(proxy);
    write(broken, upgrade);
    String answer = new String(broken.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith(FaultProxy.BROKEN_UPGRADE_BODY);
    assertThat(proxy.brokenUpgrades()).isEqualTo(1);
    // the proxy had connected upstream; it closes without a byte
    assertThat(server.next().getInputStream().read()).isEqualTo(-1);

    // only the next one
    Socket next = connect(proxy);
    write(next, upgrade);
    assertThat(read(server.next(), upgrade.length())).isEqualTo(upgrade);

    proxy.answer200InsteadOf101(true);
    for (int i = 0; i < 2; i++) {
      Socket again = connect(proxy);
      write(again, upgrade);
      assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .startsWith("HTTP/1.1 200 OK");
    }
    assertThat(proxy.brokenUpgrades()).isEqualTo(3);
  }

  @Test
  void retargetSendsNewConnectionsToAnotherServerAndKeepsOpenOnes() throws Exception {
    Target first = target();
    Target second = target();
    FaultProxy proxy = closer.add(FaultProxy.to(first.port()));
    Socket old = connect(proxy);
    write(old, "1");
    Socket oldUpstream = first.next();
    assertThat(read(oldUpstream, 1)).isEqualTo("1");

    proxy.retarget(second.port());
    assertThat(proxy.targetPort()).isEqualTo(second.port());

    write(connect(proxy), "2");
    assertThat(read(second.next(), 1)).isEqualTo("2");
    write(old, "3");
    assertThat(read(oldUpstream, 1)).isEqualTo("3");
    assertThat(first.accepted).isEmpty();
  }

  @Test
  void aConnectionToAMissingServerIsReset() throws Exception {
    Target gone = target();
    int port = gone.port();
    gone.close();
    FaultProxy proxy = closer.add(FaultProxy.to(port));
    assertClosedByPeer(connect(proxy));
  }

  @Test
  void closeClosesEverySocketAndEndsEveryThread() throws Exception {
    Target server = target();
    FaultProxy proxy = FaultProxy.to(server.port());
    Socket[] clients = new Socket[3];
    Socket[] upstreams = new Socket[3];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = connect(proxy);
      write(clients[i], "x");
      upstreams[i] = server.next();
      assertThat(read(upstreams[i], 1)).isEqualTo("x");
    }
    proxy.stall();
    write(clients[0], "held");
    proxy.delay(Duration.ofMinutes(1));
    assertThat(proxy.runningThreads()).isEqualTo(1 + 2 * clients.length);

    proxy.close();

    assertThat(proxy.runningThreads()).isZero();

    for (int i = 0; i < clients.length; i++) {
      assertClosedByPeer(clients[i]);
      assertClosedByPeer(upstreams[i]);
    }
    assertThat(proxy.openConnections()).isZero();
    assertThatThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), proxy.port()).close())
        .isInstanceOf(ConnectException.class);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("fault-proxy")));
    proxy.close(); // idempotent
  }

  @Test
  void roundRobinSendsEachNewConnectionToTheNextServerInTurn() throws Exception {
    Target a = closer.add(new Target());
    Target b = closer.add(new Target());
    Target c = closer.add(new Target());
    FaultProxy proxy = closer.add(FaultProxy.roundRobin(a.port(), b.port(), c.port()));
    for (int i = 0; i < 6; i++) {
      Socket client = closer.add(new Socket(InetAddress.getLoopbackAddress(), proxy.port()));
      client.getOutputStream().write(("hello " + i).getBytes(StandardCharsets.UTF_8));
      client.getOutputStream().flush();
      Target expected = List.of(a, b, c).get(i % 3);
      Socket served = expected.next();
      byte[] got = served.getInputStream().readNBytes(("hello " + i).length());
      assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello " + i);
    }
    assertThat(proxy.connections().stream().map(FaultProxy.Connection::targetPort).toList())
        .containsExactlyInAnyOrder(a.port(), b.port(), c.port(), a.port(), b.port(), c.port());
    proxy.retarget(c.port()); // back to one server
    closer.add(new Socket(InetAddress.getLoopbackAddress(), proxy.port()));
    c.next();
    assertThatThrownBy(FaultProxy::roundRobin).isInstanceOf(IllegalArgumentException.class);
  }
}
