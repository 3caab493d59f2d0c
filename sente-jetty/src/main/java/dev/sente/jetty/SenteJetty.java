package dev.sente.jetty;

import dev.sente.core.SenteException;
import dev.sente.jetty.internal.SenteHandler;
import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Session;

/**
 * Sente on Jetty 12 (core, no servlets): a one-line embedded server, a handler to mount in an
 * existing server, and the helpers a page needs (CSRF token, session login).
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder()
 *     .csrf()
 *     .userId(request -> request.sessionAttribute("uid").map(Object::toString))
 *     .build();
 * sente.on("chat/send", msg -> msg.reply("ok"));
 *
 * Handler pages = new Handler.Abstract() {
 *   public boolean handle(Request request, Response response, Callback callback) {
 *     if (Request.getPathInContext(request).equals("/login")) {
 *       SenteJetty.setSessionAttribute(request, "uid", "alice");
 *     }
 *     String token = SenteJetty.csrfToken(sente, request, response);
 *     response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
 *     Content.Sink.write(response, true, page(token), callback);
 *     return true;
 *   }
 * };
 * JettyServer server = SenteJetty.server(sente).port(8080).after(pages).start();
 * // or simply: SenteJetty.serve(sente, 8080);
 * // or in your own Jetty server: handlers.addHandler(SenteJetty.handler(sente));
 * }</pre>
 *
 * <p>The endpoint's callbacks to the engine run on Jetty's threads; the engine must not block them.
 */
public final class SenteJetty {

  private static final String CSRF_COOKIE_ATTRIBUTE = SenteJetty.class.getName() + ".csrfCookie";

  private SenteJetty() {}

  /**
   * A Jetty core handler for the server's endpoint: it takes requests whose path in context equals
   * {@code sente.endpoint().path()} (WebSocket upgrades, Ajax polls and posts) and declines every
   * other one. Mount it anywhere in a server's handler tree; put a {@code SessionHandler} in front
   * of it for {@code request.sessionAttribute(..)}. It adds a WebSocket container to the server
   * when the server has none.
   */
  public static Handler handler(SenteServer sente) {
    return SenteHandler.create(sente);
  }

  /**
   * Starts an embedded Jetty server on the port (0 picks a free one) with Sente's endpoint,
   * in-memory sessions and the browser client at {@code /sente/}. See {@link JettyServer}.
   */
  public static JettyServer serve(SenteServer sente, int port) {
    return server(sente).port(port).start();
  }

  /** A builder for an embedded server with the application's own handlers around Sente's. */
  public static JettyServer.Builder server(SenteServer sente) {
    return new JettyServer.Builder(sente);
  }

  /**
   * The CSRF token to put in a page (e.g. a meta tag), from the server's built-in {@link
   * CsrfTokens}. Sets the {@value CsrfTokens#COOKIE_NAME} cookie (HttpOnly, SameSite=Lax, Path=/,
   * Secure over https) when the browser has none yet; call it before the response is committed.
   * Calls for the same request return the same token.
   *
   * @throws SenteException when the server was built without {@code .csrf()}
   */
  public static String csrfToken(SenteServer sente, Request request, Response response) {
    Objects.requireNonNull(sente, "sente");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(response, "response");
    CsrfTokens tokens =
        sente
            .csrfTokens()
            .orElseThrow(
                () ->
                    new SenteException(
                        "Built-in CSRF tokens are off: build the SenteServer with .csrf()"));
    Object issuedEarlier = request.getAttribute(CSRF_COOKIE_ATTRIBUTE);
    Optional<String> cookie =
        issuedEarlier instanceof String value ? Optional.of(value) : cookie(request);
    CsrfTokens.Issued issued = tokens.issue(cookie);
    issued
        .newCookie()
        .ifPresent(
            value -> {
              request.setAttribute(CSRF_COOKIE_ATTRIBUTE, value);
              Response.addCookie(
                  response,
                  HttpCookie.build(CsrfTokens.COOKIE_NAME, value)
                      .httpOnly(true)
                      .sameSite(HttpCookie.SameSite.LAX)
                      .path("/")
                      .secure(request.isSecure())
                      .build());
            });
    return issued.token();
  }

  private static Optional<String> cookie(Request request) {
    return Request.getCookies(request).stream()
        .filter(c -> c.getName().equals(CsrfTokens.COOKIE_NAME))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  /** An attribute of the request's session, if it has one. */
  public static Optional<Object> sessionAttribute(Request request, String name) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    Session session = request.getSession(false);
    return session == null ? Optional.empty() : Optional.ofNullable(session.getAttribute(name));
  }

  /**
   * Sets an attribute of the request's session, creating the session (and its cookie) when needed;
   * e.g. the user id at login, for {@code SenteServer.builder().userId(..)} to read.
   *
   * @throws SenteException when no {@code SessionHandler} is in front of the handler
   */
  public static void setSessionAttribute(Request request, String name, Object value) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Session session = request.getSession(true);
    if (session == null) {
      throw new SenteException(
          "No session support for this request: put a SessionHandler in front of the handler");
    }
    session.setAttribute(name, value);
  }

  /** Removes an attribute of the request's session (at logout); does nothing without a session. */
  public static void removeSessionAttribute(Request request, String name) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    Session session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(name);
    }
  }
}
