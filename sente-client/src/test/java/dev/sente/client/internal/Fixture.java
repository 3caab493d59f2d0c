package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.IncomingEvent;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.core.time.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client on a {@link FakeWire} and a {@link ManualScheduler}, whose callbacks run inline on the
 * test thread: every step of the state machine is deterministic.
 */
final class Fixture implements AutoCloseable {

  static final String ENDPOINT = "http://localhost:8080/chsk";
  static final String HANDSHAKE = "[[\"chsk/handshake\",[\"alice\",null,null]],null]";

  final ManualScheduler time = new ManualScheduler();
  final FakeWire wire = new FakeWire();
  final List<ClientState> states = new CopyOnWriteArrayList<>();
  final List<IncomingEvent> events = new CopyOnWriteArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();
  final ClientCore client;

  Fixture(Transport transport) {
    this(transport, builder -> {});
  }

  Fixture(Transport transport, Consumer<SenteClientBuilder> options) {
    SenteClientBuilder builder =
        SenteClient.builder(ENDPOINT)
            .transport(transport)
            .clientId("c1")
            .scheduler(time)
            .callbackExecutor(Runnable::run)
            .onError(errors::add);
    options.accept(builder);
    client = ClientCore.create(builder.config(), wire, time, Runnable::run);
    client.onState(states::add);
    client.onAny(events::add);
  }

  /** Connects over a WebSocket and plays the server's handshake. */
  FakeWire.FakeSocket openWebSocket() {
    client.connect();
    FakeWire.FakeSocket socket = wire.nextSocket().accept();
    socket.receive(HANDSHAKE);
    assertThat(client.state()).isInstanceOf(ClientState.Open.class);
    return socket;
  }

  /** Connects over Ajax: answers the handshake GET; returns the first long-poll. */
  FakeWire.FakeExchange openAjax() {
    client.connect();
    FakeWire.FakeExchange handshake = wire.nextExchange();
    assertThat(handshake.query()).contains("handshake%3F=1");
    handshake.respond(200, HANDSHAKE);
    assertThat(client.state()).isInstanceOf(ClientState.Open.class);
    return wire.nextExchange();
  }

  /** The states seen so far, then forgets them. */
  List<ClientState> takeStates() {
    List<ClientState> seen = List.copyOf(states);
    states.clear();
    return seen;
  }

  /** The ids of the events seen so far, then forgets them. */
  List<String> takeEventIds() {
    List<String> ids = events.stream().map(IncomingEvent::id).toList();
    events.clear();
    return ids;
  }

  @Override
  public void close() {
    client.close();
  }

  /** The frames the socket sent, each matched against the pattern (which must match). */
  static List<Matcher> frames(FakeWire.FakeSocket socket, Pattern frame) {
    List<Matcher> frames = new ArrayList<>();
    for (String text : socket.sent()) {
      Matcher m = frame.matcher(text);
      assertThat(m.matches()).as(text).isTrue();
      frames.add(m);
    }
    return frames;
  }

  /** The cause of a future that must have failed. */
  static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
      throw new AssertionError("completed normally");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
