package dev.sente.bench.server;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.redis.RedisCluster;
import dev.sente.redis.internal.RedisBus;
import dev.sente.server.SenteServer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ours, as an application would set it up: {@code SenteServer.builder()...build()} with default
 * batching windows and the JSON packer, on the embedded Jetty of {@code SenteJetty}. The user id
 * comes from the {@code uid} query parameter; {@code bench/echo} replies with its data; pushes go
 * through {@code send(user, "bench/push", System.nanoTime())}. With {@code -Dbench.handlers=inline}
 * handlers run on the I/O thread ({@code handlerExecutor(Runnable::run)}), and with {@code
 * -Dbench.keepAliveSeconds=N} the keep-alive is N seconds, with {@code -Dbench.ajaxBatchMillis=N}
 * the Ajax batching window N ms: variants for the profile study.
 *
 * <p>Given a Redis URI and a prefix ({@link #start(int, URI, String)}), it is one node of a
 * cluster: {@code .cluster(RedisCluster.create(redis, prefix))}, the same on every node, and its
 * pushes go through the shared log to the user's clients on every node.
 */
final class SenteBenchServer implements BenchServer {
  private final SenteServer sente;
  private final JettyServer server;
  private final RedisCluster cluster;

  private SenteBenchServer(SenteServer sente, JettyServer server, RedisCluster cluster) {
    this.sente = sente;
    this.server = server;
    this.cluster = cluster;
  }

  static SenteBenchServer start(int port) {
    return start(port, null, null);
  }

  /** A node of the cluster on the Redis at {@code redis} under {@code prefix}; alone if null. */
  static SenteBenchServer start(int port, URI redis, String prefix) {
    SenteServer.Builder builder =
        SenteServer.builder().allowAnyOrigin().userId(request -> request.queryParam("uid"));
    RedisCluster cluster = redis == null ? null : RedisCluster.create(redis, prefix);
    if (cluster != null) {
      builder.cluster(cluster);
    }
    // variants for the profile study, not the defaults
    if ("inline".equals(System.getProperty("bench.handlers"))) {
      builder.handlerExecutor(Runnable::run);
    }
    if (System.getProperty("bench.keepAliveSeconds") != null) {
      builder.keepAlive(Duration.ofSeconds(Long.getLong("bench.keepAliveSeconds")));
    }
    if (System.getProperty("bench.ajaxBatchMillis") != null) {
      builder.batchWindows(
          SenteServer.Builder.DEFAULT_WEBSOCKET_BATCH,
          Duration.ofMillis(Long.getLong("bench.ajaxBatchMillis")));
    }
    SenteServer sente = builder.build();
    sente.on("bench/echo", message -> message.reply(message.event().data()));
    JettyServer server = SenteJetty.server(sente).port(port).host("127.0.0.1").start();
    return new SenteBenchServer(sente, server, cluster);
  }

  @Override
  public Map<String, Long> counters() {
    if (cluster == null) {
      return Map.of();
    }
    RedisBus.Stats bus = cluster.busStats();
    Map<String, Long> counters = new LinkedHashMap<>();
    counters.put("published", bus.published());
    counters.put("received", bus.received());
    counters.put("refusedTooLarge", bus.refusedTooLarge());
    counters.put("failed", bus.failed());
    counters.put("downs", bus.downs());
    counters.put("appendCalls", cluster.appendCalls());
    counters.put("failedAppends", cluster.failedAppends());
    counters.put("refusedAppends", cluster.refusedAppends());
    return counters;
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public Pushed push(int first, int users, long intervalMicros, long durationMillis) {
    String[] ids = Pacer.userIds(first, users);
    return Pacer.run(
        users,
        intervalMicros,
        durationMillis,
        i -> sente.send(ids[i], "bench/push", System.nanoTime()));
  }

  @Override
  public void close() {
    server.close(); // closes the SenteServer, and so its cluster
  }
}
