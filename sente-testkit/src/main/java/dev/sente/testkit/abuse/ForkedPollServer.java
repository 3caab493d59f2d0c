package dev.sente.testkit.abuse;

import dev.sente.core.Protocol;
import dev.sente.server.SenteServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The server side of {@link AbandonedPollsHeapAbuse}, run in a JVM of its own: builds the Sente
 * server (any origin, every client its own user by the {@code X-User} header, {@code maxHeldPolls}
 * from the system property {@code sente.abuse.maxHeldPolls} when set), has the adapter start it at
 * 127.0.0.1 on an ephemeral port, prints {@code ready <port>}, then answers each line on stdin:
 * {@code stats} with {@code stats <users connected so far> <users gone so far> <open connections>
 * <held polls>}, {@code heap} with {@code heap <bytes in use after a full GC>}; exits when stdin
 * closes.
 *
 * <pre>{@code
 * public static void main(String[] args) throws Exception {
 *   ForkedPollServer.serve(sente -> {
 *     JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
 *     ServerConnector connector = (ServerConnector) jetty.jetty().getConnectors()[0];
 *     return new ForkedPollServer.Started(jetty.port(), () -> connector.getConnectedEndPoints().size(), jetty);
 *   });
 * }
 * }</pre>
 */
public final class ForkedPollServer {
  private ForkedPollServer() {}

  /**
   * A started web server around the Sente server.
   *
   * @param port the port it listens on
   * @param openConnections how many client connections it has open now
   * @param stop stops it
   */
  public record Started(int port, IntSupplier openConnections, AutoCloseable stop) {}

  /** Builds the server, starts it with the adapter, and answers the test until stdin closes. */
  public static void serve(Function<SenteServer, Started> start) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    AtomicLong opened = new AtomicLong();
    AtomicLong closed = new AtomicLong();
    SenteServer.Builder builder =
        SenteServer.builder().allowAnyOrigin().userId(request -> request.header("X-User"));
    Integer maxHeldPolls = Integer.getInteger("sente.abuse.maxHeldPolls");
    if (maxHeldPolls != null) {
      builder.maxHeldPolls(maxHeldPolls);
    }
    SenteServer sente = builder.build();
    sente.on(Protocol.USER_CONNECTED, msg -> opened.incrementAndGet());
    sente.on(Protocol.USER_DISCONNECTED, msg -> closed.incrementAndGet());
    Started server = start.apply(sente);
    out.println("ready " + server.port());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      switch (line.trim()) {
        case "stats" ->
            out.println(
                "stats "
                    + opened.get()
                    + " "
                    + closed.get()
                    + " "
                    + server.openConnections().getAsInt()
                    + " "
                    + sente.endpoint().heldPolls());
        case "heap" -> out.println("heap " + heapAfterGc());
        default -> out.println("error " + line);
      }
    }
    server.stop().close();
    sente.close();
    System.exit(0);
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
