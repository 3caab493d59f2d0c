package dev.sente.jetty.adapter;

import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.SenteEndpoint;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/** A stand-in for the engine: records every exchange and does what the test tells it to. */
final class FakeEndpoint implements SenteEndpoint {

  static final String PATH = "/chsk";
  static final long MAX_BYTES = 4096;

  final BlockingQueue<HttpExchange> exchanges = new LinkedBlockingQueue<>();
  private volatile Consumer<HttpExchange> behavior =
      exchange -> exchange.respond(200, "text/plain", new byte[0]);

  /** Sets what the endpoint does with each exchange. */
  void behave(Consumer<HttpExchange> behavior) {
    this.behavior = behavior;
  }

  @Override
  public String path() {
    return PATH;
  }

  @Override
  public long maxMessageBytes() {
    return MAX_BYTES;
  }

  @Override
  public int heldPolls() {
    return 0; // holds nothing itself: the tests hold exchanges through the adapter
  }

  @Override
  public void handle(HttpExchange exchange) {
    exchanges.add(exchange);
    behavior.accept(exchange);
  }
}
