package dev.sente.bench.server;

import dev.sente.jetty.JettyServer;
import dev.sente.jetty.SenteJetty;
import dev.sente.server.SenteServer;
import java.time.Duration;

/**
 * Ours, as an application would set it up: {@code SenteServer.builder()...build()} with default
 * batching windows and the JSON packer, on the embedded Jetty of {@code SenteJetty}. The user id
 * comes from the {@code uid} query parameter; {@code bench/echo} replies with its data; pushes go
 * through {@code send(user, "bench/push", System.nanoTime())}. With {@code -Dbench.handlers=inline}
 * handlers run on the I/O thread ({@code handlerExecutor(Runnable::run)}), and with {@code
 * -Dbench.keepAliveSeconds=N} the keep-alive is N seconds, with {@code -Dbench.ajaxBatchMillis=N}
 * the Ajax batching window N ms: variants for the profile study.
 */
final class SenteBenchServer implements BenchServer {
  private final SenteServer sente;
  private final JettyServer server;

  private SenteBenchServer(SenteServer sente, JettyServer server) {
    this.sente = sente;
    this.server = server;
  }

  static SenteBenchServer start(int port) {
    SenteServer.Builder builder =
        SenteServer.builder().allowAnyOrigin().userId(request -> request.queryParam("uid"));
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
    return new SenteBenchServer(sente, server);
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
    server.close();
  }
}
