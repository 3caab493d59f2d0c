package dev.sente.servlet;

import dev.sente.core.SenteException;
import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import dev.sente.servlet.internal.ClientFilesServlet;
import dev.sente.servlet.internal.EndpointServlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Sente in a Jakarta Servlet 6.1 container with Jakarta WebSocket 2.2 (Tomcat 11): one call
 * registers the endpoint and the browser client with a servlet context, plus the helpers a page
 * needs (CSRF token, session login).
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder()
 *     .csrf()
 *     .userId(request -> request.sessionAttribute("uid").map(Object::toString))
 *     .build();
 * sente.on("chat/send", msg -> msg.reply("ok"));
 *
 * // while the context starts: a ServletContainerInitializer, a ServletContextListener's
 * // contextInitialized, or embedded Tomcat's context.addServletContainerInitializer(..)
 * SenteServlet.register(servletContext, sente);
 *
 * // in the application's own servlet that renders the page
 * protected void doGet(HttpServletRequest request, HttpServletResponse response) {
 *   String token = SenteServlet.csrfToken(sente, request, response);
 *   ...
 * }
 * }</pre>
 *
 * <p>The container must provide Jakarta WebSocket (its {@code ServerContainer} as the context
 * attribute {@code jakarta.websocket.server.ServerContainer}) for the WebSocket transport; without
 * it upgrades are answered 500 and clients fall back to Ajax. The endpoint's callbacks to the
 * engine run on the container's threads; the engine must not block them.
 */
public final class SenteServlet {

  private static final String CSRF_COOKIE_ATTRIBUTE = SenteServlet.class.getName() + ".csrfCookie";

  private SenteServlet() {}

  /**
   * Registers an async-supported servlet at the endpoint's path ({@code sente.endpoint().path()},
   * {@code /chsk} by default, relative to the context) for both transports, and the browser client
   * (sente-js on the classpath) at {@code /sente/*}, such as {@code /sente/sente.js}. Call it while
   * the context starts, before it serves requests.
   *
   * @throws SenteException when another servlet already has either mapping
   */
  public static void register(ServletContext context, SenteServer sente) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(sente, "sente");
    String path = sente.endpoint().path();
    ServletRegistration.Dynamic endpoint =
        context.addServlet("sente-endpoint " + path, EndpointServlet.create(sente));
    if (endpoint == null) {
      throw new SenteException("A Sente endpoint is already registered at " + path);
    }
    endpoint.setAsyncSupported(true);
    endpoint.setLoadOnStartup(1);
    mapOrThrow(endpoint, path);
    ClassLoader loader = SenteServlet.class.getClassLoader();
    ServletRegistration.Dynamic client =
        context.addServlet("sente-client", new ClientFilesServlet(loader));
    if (client != null) { // registered with an earlier endpoint
      mapOrThrow(client, ClientFilesServlet.CLIENT_PATH + "/*");
    }
  }

  private static void mapOrThrow(ServletRegistration.Dynamic registration, String mapping) {
    Set<String> taken = registration.addMapping(mapping);
    if (!taken.isEmpty()) {
      throw new SenteException("Another servlet is already mapped at " + taken);
    }
  }

  /**
   * The CSRF token to put in a page (e.g. a meta tag), from the server's built-in {@link
   * CsrfTokens}. Sets the {@value CsrfTokens#COOKIE_NAME} cookie (HttpOnly, SameSite=Lax, Path=/,
   * Secure over https) when the browser has none yet; call it before the response is committed.
   * Calls for the same request return the same token.
   *
   * @throws SenteException when the server was built without {@code .csrf()}
   */
  public static String csrfToken(
      SenteServer sente, HttpServletRequest request, HttpServletResponse response) {
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
              Cookie set = new Cookie(CsrfTokens.COOKIE_NAME, value);
              set.setHttpOnly(true);
              set.setAttribute("SameSite", "Lax");
              set.setPath("/");
              set.setSecure(request.isSecure());
              response.addCookie(set);
            });
    return issued.token();
  }

  private static Optional<String> cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies == null) {
      return Optional.empty();
    }
    for (Cookie c : cookies) {
      if (c.getName().equals(CsrfTokens.COOKIE_NAME)) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  /** An attribute of the request's session, if it has one. */
  public static Optional<Object> sessionAttribute(HttpServletRequest request, String name) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    HttpSession session = request.getSession(false);
    return session == null ? Optional.empty() : Optional.ofNullable(session.getAttribute(name));
  }

  /**
   * Sets an attribute of the request's session, creating the session (and its cookie) when needed;
   * e.g. the user id at login, for {@code SenteServer.builder().userId(..)} to read.
   */
  public static void setSessionAttribute(HttpServletRequest request, String name, Object value) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    request.getSession(true).setAttribute(name, value);
  }

  /** Removes an attribute of the request's session (at logout); does nothing without a session. */
  public static void removeSessionAttribute(HttpServletRequest request, String name) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(name, "name");
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(name);
    }
  }
}
