package dev.sente.redis;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One cluster node in a JVM of its own, for the tests that kill a node: {@code ClusterNodeMain
 * <redis uri> <prefix>} builds a Sente server on the cluster (the user id from the {@code user}
 * cookie), starts Jetty at 127.0.0.1 on a free port, prints {@code ready <port>} and runs until
 * stdin closes or the process is killed.
 */
public final class ClusterNodeMain {
  private ClusterNodeMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    SenteServer sente =
        SenteServer.builder()
            .userId(request -> request.cookie("user"))
            .cluster(RedisCluster.create(URI.create(args[0]), args[1]))
            .build();
    JettyServer jetty = SenteJetty.server(sente).host("127.0.0.1").port(0).start();
    out.println("ready " + jetty.port());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // nothing to answer: the test only starts and kills this node
    }
    jetty.close();
    sente.close();
    System.exit(0);
  }
}
