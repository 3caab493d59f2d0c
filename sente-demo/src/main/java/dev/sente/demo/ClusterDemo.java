package dev.sente.demo;

import dev.sente.redis.RedisCluster;
import dev.sente.testkit.faults.RequestRoundRobin;
import dev.sente.testkit.redis.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster demo: two demo nodes on one Redis, behind a balancer that sends every HTTP request to
 * the next node in turn (no sticky sessions; a WebSocket stays on the node it opened on). Two
 * browser windows chat across the nodes, over WebSocket or forced Ajax; the connection card says
 * which node a connection's handshake came from. The balancer and the local {@code redis-server}
 * are the testkit's, made for tests and demos, not for production.
 */
public final class ClusterDemo implements AutoCloseable {

  /** The prefix of the demo's keys and channel in Redis. */
  public static final String PREFIX = "sente-demo";

  private final RedisServer ownRedis; // null when the demo was given a Redis
  private final List<DemoServer> nodes;
  private final RequestRoundRobin balancer;

  private ClusterDemo(RedisServer ownRedis, List<DemoServer> nodes, RequestRoundRobin balancer) {
    this.ownRedis = ownRedis;
    this.nodes = nodes;
    this.balancer = balancer;
  }

  /**
   * Starts two nodes and the balancer on {@code port} (0: a free one). Without a Redis URI it
   * starts the machine's {@code redis-server} on a free port, and stops it on close.
   */
  public static ClusterDemo start(int port, Optional<URI> redis, DemoOptions options) {
    Objects.requireNonNull(options, "options");
    RedisServer own = redis.isEmpty() ? RedisServer.start() : null;
    URI uri = redis.orElseGet(() -> own.uri());
    List<DemoServer> nodes = new ArrayList<>();
    try {
      for (String name : List.of("node A", "node B")) {
        nodes.add(DemoServer.start(0, options, RedisCluster.create(uri, PREFIX), name));
      }
      RequestRoundRobin balancer =
          RequestRoundRobin.on(port, nodes.get(0).port(), nodes.get(1).port());
      return new ClusterDemo(own, nodes, balancer);
    } catch (RuntimeException e) {
      nodes.forEach(DemoServer::close);
      if (own != null) {
        own.close();
      }
      throw e;
    }
  }

  /** The balancer's address: {@code http://localhost:port/}. */
  public URI uri() {
    return URI.create("http://localhost:" + balancer.uri().getPort() + "/");
  }

  /** The two nodes. */
  public List<DemoServer> nodes() {
    return nodes;
  }

  /** The balancer, e.g. to count the requests each node got. */
  public RequestRoundRobin balancer() {
    return balancer;
  }

  /** Waits until the nodes stop. */
  public void join() throws InterruptedException {
    for (DemoServer node : nodes) {
      node.join();
    }
  }

  /** Stops the balancer, the nodes and the Redis it started. Idempotent. */
  @Override
  public void close() {
    balancer.close();
    nodes.forEach(DemoServer::close);
    if (ownRedis != null) {
      ownRedis.close();
    }
  }
}
