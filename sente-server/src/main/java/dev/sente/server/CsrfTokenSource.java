package dev.sente.server;

import java.util.Optional;

/**
 * Where the server finds the CSRF token a request must carry: the token of the request's session.
 * Empty rejects the request (a session without a token cannot be checked). The client's token is
 * read, as in Sente, from the {@code csrf-token} query parameter, then the {@code X-CSRF-Token}
 * header, then {@code X-XSRF-Token}; tokens are compared in constant time and never logged.
 *
 * <pre>{@code
 * // Spring Security's token, kept in the session by the application:
 * .csrf(request -> request.sessionAttribute("csrf").map(Object::toString))
 * }</pre>
 *
 * @see CsrfTokens the built-in source for applications without a framework
 */
@FunctionalInterface
public interface CsrfTokenSource {
  /** The token the request must carry, or empty to reject it. */
  Optional<String> expectedToken(SenteRequest request);
}
