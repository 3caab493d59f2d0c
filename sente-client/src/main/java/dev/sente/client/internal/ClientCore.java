package dev.sente.client.internal;

import dev.sente.client.ClientConfig;
import dev.sente.client.ClientState;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Registration;
import dev.sente.client.Reply;
import dev.sente.client.SenteClient;
import dev.sente.core.Event;
import dev.sente.core.Protocol;
import dev.sente.core.SenteException;
import dev.sente.core.time.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The {@link SenteClient}: checks the application's arguments, then hands the work to its {@link
 * Connection} (the state machine) and {@link Callbacks} (handlers and listeners).
 */
public final class ClientCore implements SenteClient {

  private final ClientConfig config;
  private final Callbacks callbacks;
  private final Connection connection;
  private final Runnable release;

  private ClientCore(
      ClientConfig config, Wire wire, Scheduler scheduler, Executor executor, Runnable release) {
    this.config = config;
    this.release = release;
    Object lock = new Object();
    Protocol protocol = Protocol.of(config.packer());
    this.callbacks = new Callbacks(executor, config.packer(), config.errorHandler());
    Requests requests = new Requests(lock, scheduler, protocol, callbacks);
    this.connection =
        Connection.create(config, protocol, wire, scheduler, lock, callbacks, requests);
  }

  /** A client on the JDK's HTTP client, with the shared or own resources the config names. */
  public static SenteClient create(ClientConfig config) {
    Resources resources = Resources.of(config);
    return new ClientCore(
        config, resources.wire, resources.scheduler, resources.executor, resources::close);
  }

  /** A client on the given wire, scheduler and executor, none of which it closes (tests). */
  public static ClientCore create(
      ClientConfig config, Wire wire, Scheduler scheduler, Executor executor) {
    return new ClientCore(config, wire, scheduler, executor, () -> {});
  }

  @Override
  public String clientId() {
    return config.clientId();
  }

  @Override
  public ClientConfig config() {
    return config;
  }

  @Override
  public ClientState state() {
    return connection.state();
  }

  @Override
  public Registration onState(Consumer<ClientState> listener) {
    return callbacks.onState(listener);
  }

  @Override
  public SenteClient on(String eventId, Consumer<IncomingEvent> handler) {
    Objects.requireNonNull(eventId, "eventId");
    if (!Event.isValidId(eventId)) {
      throw new SenteException("Event id must be a namespaced name like \"chat/line\": " + eventId);
    }
    callbacks.on(eventId, handler);
    return this;
  }

  @Override
  public SenteClient onAny(Consumer<IncomingEvent> handler) {
    callbacks.onAny(handler);
    return this;
  }

  @Override
  public CompletionStage<ClientState.Open> connect() {
    return connection.connect();
  }

  @Override
  public boolean send(String eventId, Object data) {
    return connection.send(outgoing(eventId, data));
  }

  @Override
  public CompletionStage<Reply> request(String eventId, Object data, Duration timeout) {
    Event event = outgoing(eventId, data);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return connection.request(event, timeout);
  }

  @Override
  public int pending() {
    return connection.pending();
  }

  @Override
  public int dropPending() {
    return connection.dropPending();
  }

  @Override
  public void disconnect() {
    connection.disconnect();
  }

  @Override
  public void reconnect() {
    connection.reconnect();
  }

  @Override
  public void close() {
    if (connection.close()) {
      release.run();
    }
  }

  @Override
  public String toString() {
    return "SenteClient[" + config.endpoint() + " " + config.clientId() + " " + state() + "]";
  }

  private static Event outgoing(String eventId, Object data) {
    Objects.requireNonNull(eventId, "eventId");
    Event event = new Event(eventId, data);
    if (event.isReserved()) {
      throw new SenteException("Event ids in the chsk namespace are reserved: " + eventId);
    }
    return event;
  }
}
