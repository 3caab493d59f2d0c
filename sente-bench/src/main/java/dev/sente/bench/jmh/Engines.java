package dev.sente.bench.jmh;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.SenteServer;
import java.time.Duration;

/** Engines for the JMH benchmarks: a manual clock, handlers inline, fake sockets. */
final class Engines {
  private Engines() {}

  /** A server whose timers only run when the clock is advanced and whose handlers run inline. */
  static SenteServer create(ManualScheduler clock) {
    SenteServer sente =
        SenteServer.builder()
            .allowAnyOrigin()
            .userId(request -> request.queryParam("uid"))
            .scheduler(clock)
            .handlerExecutor(Runnable::run)
            .maxQueuedFrames(1 << 16)
            // the benchmarks move the manual clock by whole batching windows, for hours of
            // clock time: the fake clients never answer pings, so keep-alive must not fire
            .keepAlive(Duration.ofDays(3650))
            .build();
    sente.on("bench/echo", message -> message.reply(message.event().data()));
    return sente;
  }

  /** Opens a fake WebSocket of the user on the server and returns its exchange. */
  static FakeExchange connect(SenteServer sente, String clientId, String userId, FakeChannel ch) {
    FakeExchange exchange = new FakeExchange(clientId, userId, ch);
    sente.endpoint().handle(exchange);
    if (exchange.listener == null) {
      throw new IllegalStateException("not upgraded: " + exchange.status + " " + exchange.body);
    }
    return exchange;
  }
}
