package dev.sente.server.internal;

import static dev.sente.server.SenteServer.ANONYMOUS_USER;

import dev.sente.core.Packed;
import dev.sente.server.Rejection;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The HTTP side both transports share: a GET checked (client id, {@link SecurityChecks}) and routed
 * to the WebSocket upgrade or to Ajax, the user id of a request, the handshake, and rejections as
 * plain-text answers.
 */
final class Requests {
  private final Engine engine;
  private final WebSocketTransport webSocket;
  private final AjaxTransport ajax;

  Requests(Engine engine, WebSocketTransport webSocket, AjaxTransport ajax) {
    this.engine = engine;
    this.webSocket = webSocket;
    this.ajax = ajax;
  }

  void handleGet(HttpExchange exchange) {
    Optional<String> clientId = exchange.clientId();
    if (clientId.isEmpty()) {
      reject(exchange, missingClientId());
      return;
    }
    Optional<Rejection> rejection = engine.security().check(exchange);
    if (rejection.isPresent()) {
      reject(exchange, rejection.get());
      return;
    }
    String userId = resolveUser(exchange);
    if (exchange.isWebSocketUpgrade()) {
      exchange.upgrade(
          engine.config().maxMessageBytes(),
          webSocket.connection(userId, clientId.get(), exchange.detached()));
    } else {
      ajax.handleGet(exchange, userId, clientId.get());
    }
  }

  static Rejection missingClientId() {
    return new Rejection(
        400, "Missing client-id: every Sente request must carry the client's id (client-id)");
  }

  static void reject(HttpExchange exchange, Rejection rejection) {
    exchange.respond(
        rejection.status(),
        "text/plain;charset=utf-8",
        rejection.body().getBytes(StandardCharsets.UTF_8));
  }

  String resolveUser(SenteRequest request) {
    return engine
        .config()
        .userIdResolver()
        .resolve(request)
        .map(String::valueOf)
        .filter(s -> !s.isBlank())
        .orElse(ANONYMOUS_USER);
  }

  Packed handshake(String userId, SenteRequest request) {
    return handshake(userId, request, null);
  }

  /** The handshake with extension metadata ({@code meta}, null for none). */
  Packed handshake(String userId, SenteRequest request, Object meta) {
    Object data = null;
    try {
      data = engine.config().handshakeData().apply(request);
    } catch (RuntimeException e) {
      engine.config().errorHandler().onError(e, Optional.empty());
    }
    Optional<String> uid = ANONYMOUS_USER.equals(userId) ? Optional.empty() : Optional.of(userId);
    return engine.protocol().handshake(uid, data, meta);
  }
}
