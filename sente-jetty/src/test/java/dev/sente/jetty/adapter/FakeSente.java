package dev.sente.jetty.adapter;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.EventHandler;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteServer;
import dev.sente.server.spi.SenteEndpoint;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A SenteServer that only has an endpoint and a configuration, and counts its closes. */
final class FakeSente implements SenteServer {

  private final FakeEndpoint endpoint;
  private final SenteConfig config;
  final AtomicInteger closes = new AtomicInteger();

  FakeSente(FakeEndpoint endpoint, SenteServer.Builder builder) {
    this.endpoint = endpoint;
    this.config = builder.config();
  }

  FakeSente(FakeEndpoint endpoint) {
    this(endpoint, SenteServer.builder());
  }

  @Override
  public SenteEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public SenteConfig config() {
    return config;
  }

  @Override
  public void close() {
    closes.incrementAndGet();
  }

  @Override
  public SenteServer on(String eventId, EventHandler handler) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SenteServer onAny(EventHandler handler) {
    throw new UnsupportedOperationException();
  }

  @Override
  public AutoCloseable onConnectedUsersChange(Consumer<ConnectedUsersChange> listener) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean send(String userId, String eventId, Object data) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean send(String userId, String eventId, Object data, boolean flush) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int broadcast(String eventId, Object data) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int disconnect(String userId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ConnectedUsers connectedUsers() {
    return ConnectedUsers.NONE;
  }
}
