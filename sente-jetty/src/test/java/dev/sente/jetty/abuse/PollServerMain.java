package dev.sente.jetty.abuse;

import dev.sente.core.Protocol;
import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server of {@link JettyAbandonedPollsHeapTest}, in a JVM of its own (with a small heap): Sente
 * on Jetty at 127.0.0.1, every client its own user (the {@code X-User} header), {@code
 * maxHeldPolls} from the system property {@code sente.abuse.maxHeldPolls} when set. Prints {@code
 * ready <port>}, then answers each line on stdin: {@code stats} with {@code stats <users connected
 * so far> <users gone so far> <open connections> <held polls>}, {@code heap} with {@code heap
 * <bytes in use after a full GC>}; exits when stdin closes.
 */
public final class PollServerMain {
  private PollServerMain() {}

  public static void main(String[] args) throws IOException {
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
    JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
    ServerConnector connector = (ServerConnector) jetty.jetty().getConnectors()[0];
    out.println("ready " + jetty.port());
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
                    + connector.getConnectedEndPoints().size()
                    + " "
                    + sente.endpoint().heldPolls());
        case "heap" -> out.println("heap " + heapAfterGc());
        default -> out.println("error " + line);
      }
    }
    jetty.close();
    System.exit(0);
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
