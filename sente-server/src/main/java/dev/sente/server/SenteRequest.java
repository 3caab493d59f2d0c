package dev.sente.server;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of one HTTP request to the Sente endpoint (a WebSocket upgrade, an Ajax
 * handshake or poll, or an Ajax POST), as user-id resolvers, security hooks and handlers see it.
 * For WebSocket events it is the original upgrade request, fixed for the socket's lifetime.
 */
public interface SenteRequest {

  /** {@code GET} or {@code POST}. */
  String method();

  /** The request path, without the query. */
  String path();

  /** {@code http} or {@code https} (also for WebSocket upgrades, which are HTTP requests). */
  String scheme();

  /** The {@code Host} header's value ({@code host[:port]}), or empty. */
  Optional<String> host();

  /** The decoded query parameters, in order. */
  Map<String, List<String>> queryParams();

  /** The first value of a query parameter. */
  default Optional<String> queryParam(String name) {
    List<String> values = queryParams().get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The first value of a header, by case-insensitive name. */
  Optional<String> header(String name);

  /** A cookie's value. */
  Optional<String> cookie(String name);

  /** The authenticated principal, when the server has one. */
  default Optional<Principal> principal() {
    return Optional.empty();
  }

  /** An attribute of the server-side session, when the server keeps sessions. */
  default Optional<Object> sessionAttribute(String name) {
    return Optional.empty();
  }

  /** The client's address, {@code ip:port}. */
  String remoteAddress();

  /**
   * The client id this request carries: the {@code client-id} query parameter, or for an Ajax POST
   * its form field. Chosen by the client: never trust it for identity.
   */
  default Optional<String> clientId() {
    return queryParam("client-id").filter(s -> !s.isBlank());
  }
}
