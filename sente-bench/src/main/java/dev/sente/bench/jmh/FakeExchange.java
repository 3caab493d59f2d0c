package dev.sente.bench.jmh;

import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import dev.sente.server.spi.WebSocketListener;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A WebSocket upgrade request that never touches a network: the engine's upgrade opens the given
 * channel at once and the listener (the engine's connection) is kept for the benchmark to feed.
 */
final class FakeExchange implements HttpExchange {
  private final Map<String, List<String>> query;
  private final FakeChannel channel;
  WebSocketListener listener;
  int status;
  String body = "";

  FakeExchange(String clientId, String userId, FakeChannel channel) {
    this(Map.of("client-id", List.of(clientId), "uid", List.of(userId)), channel);
  }

  /** An upgrade request with the given query parameters. */
  FakeExchange(Map<String, List<String>> query, FakeChannel channel) {
    this.query = query;
    this.channel = channel;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/chsk";
  }

  @Override
  public String scheme() {
    return "http";
  }

  @Override
  public Optional<String> host() {
    return Optional.of("localhost");
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return query;
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.empty();
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.empty();
  }

  @Override
  public String remoteAddress() {
    return "127.0.0.1:1";
  }

  @Override
  public boolean isWebSocketUpgrade() {
    return true;
  }

  @Override
  public void readBody(long maxBytes, BodyCallback callback) {
    callback.completed(new byte[0]);
  }

  @Override
  public void respond(int status, String contentType, byte[] body) {
    this.status = status;
    this.body = new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void upgrade(long maxMessageBytes, WebSocketListener listener) {
    this.listener = listener;
    listener.onOpen(channel);
  }

  @Override
  public LongPollChannel hold() {
    throw new UnsupportedOperationException("WebSocket only");
  }
}
