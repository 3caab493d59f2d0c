package dev.sente.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.core.time.ManualScheduler;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * The engine tests' common setup: a server on a manual clock whose user id is the session's {@code
 * uid}, handlers run inline (or on a given executor), optionally a catch-all that records every
 * event it gets and a listener that records the connected-users changes, and the requests a client
 * makes ({@link FakeExchange}). Close it after each test.
 */
final class EngineFixture implements AutoCloseable {
  final ManualScheduler time = new ManualScheduler();

  /** What the recording catch-all got: {@code "id data"}, data empty when none. */
  final List<String> events = new CopyOnWriteArrayList<>();

  /** What the recording listener got. */
  final List<ConnectedUsersChange> changes = new CopyOnWriteArrayList<>();

  SenteServer sente;

  /** Starts a server with handlers inline and the recording catch-all and listener. */
  SenteServer start(SenteServer.Builder builder) {
    return start(builder, Runnable::run, true);
  }

  /**
   * Starts a server with handlers on {@code handlers}; with {@code record}, the recording catch-all
   * and listener are registered.
   */
  SenteServer start(SenteServer.Builder builder, Executor handlers, boolean record) {
    sente =
        builder
            .scheduler(time)
            .handlerExecutor(handlers)
            .userId(request -> request.sessionAttribute("uid"))
            .build();
    if (record) {
      sente.onAny(this::record);
      sente.onConnectedUsersChange(changes::add);
    }
    return sente;
  }

  private void record(EventMessage msg) {
    events.add(msg.id() + " " + msg.data().map(Object::toString).orElse(""));
  }

  @Override
  public void close() {
    if (sente != null) {
      sente.close();
    }
  }

  /** Opens a WebSocket of the user (null for an anonymous one) and client. */
  FakeExchange.FakeSocket openSocket(String user, String clientId) {
    FakeExchange exchange = FakeExchange.webSocket("client-id=" + clientId);
    if (user != null) {
      exchange.session.put("uid", user);
    }
    sente.endpoint().handle(exchange);
    return exchange.socket;
  }

  /** Opens a WebSocket of the user with the given query ({@code client-id=..&ext=resume..}). */
  FakeExchange.FakeSocket openSocketWith(String user, String query) {
    FakeExchange exchange = FakeExchange.webSocket(query);
    exchange.session.put("uid", user);
    sente.endpoint().handle(exchange);
    return exchange.socket;
  }

  /** An Ajax GET of the user and client: the handshake, or a poll. */
  FakeExchange ajaxGet(String user, String clientId, boolean handshake) {
    FakeExchange exchange =
        FakeExchange.get("client-id=" + clientId + "&udt=1" + (handshake ? "&handshake%3F=1" : ""));
    exchange.session.put("uid", user);
    sente.endpoint().handle(exchange);
    return exchange;
  }

  /** The Ajax handshake, then a poll that the server holds. */
  FakeExchange poll(String user, String clientId) {
    ajaxGet(user, clientId, true);
    FakeExchange poll = ajaxGet(user, clientId, false);
    assertThat(poll.poll).as("held").isNotNull();
    return poll;
  }

  /** An Ajax POST of one packed event from the user and client. */
  FakeExchange post(String user, String clientId, String event) {
    FakeExchange exchange =
        FakeExchange.post("", "client-id=" + clientId + "&udt=3&ppstr=" + enc(event));
    exchange.session.put("uid", user);
    sente.endpoint().handle(exchange);
    return exchange;
  }

  /** URL-encodes a form value. */
  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
