package dev.sente.server;

import java.util.Optional;

/**
 * Finds the user id of a request: from the session, the principal, a token. Empty means an
 * anonymous client ({@link SenteServer#ANONYMOUS_USER}). Non-string ids are turned into strings
 * with {@code String.valueOf}. For a WebSocket it runs once, at the upgrade; for Ajax on every
 * request. Runs on an I/O thread: it must not block.
 *
 * <pre>{@code
 * SenteServer.builder().userId(request -> request.sessionAttribute("uid"))
 * }</pre>
 */
@FunctionalInterface
public interface UserIdResolver {
  /** The user id of the request, or empty for anonymous. */
  Optional<?> resolve(SenteRequest request);
}
