package dev.sente.demo;

import dev.sente.jetty.SenteJetty;
import dev.sente.server.CsrfTokens;
import dev.sente.server.SenteServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's own HTTP routes, after Sente's endpoint and {@code /sente/sente.js}: the page (with a
 * fresh CSRF token per request), its script and styles, {@code POST /login} (form field {@code
 * user-id}, sets the signed cookie of {@link DemoLogin}) and {@code POST /logout}. The two POSTs
 * need the page's CSRF token, in the {@code X-CSRF-Token} header or the {@code csrf-token} field.
 */
final class DemoPages extends Handler.Abstract {

  /**
   * Letters, digits, space, dot, dash, underscore; 1 to 32 characters, not starting with a mark.
   */
  static final Pattern USER_ID = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,31}");

  private static final Logger LOG = LoggerFactory.getLogger(DemoPages.class);
  private static final String RESOURCES = "/dev/sente/demo/web/";
  private static final String TOKEN_PLACEHOLDER = "{{csrf-token}}";
  private static final String CSP =
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private record Asset(String contentType, byte[] bytes) {}

  private final SenteServer sente;
  private final CsrfTokens csrfTokens;
  private final String page;
  private final Map<String, Asset> assets;

  DemoPages(SenteServer sente, CsrfTokens csrfTokens) {
    this.sente = sente;
    this.csrfTokens = csrfTokens;
    this.page = new String(resource("index.html"), StandardCharsets.UTF_8);
    this.assets =
        Map.of(
            "/demo.js", new Asset("text/javascript;charset=utf-8", resource("demo.js")),
            "/demo.css", new Asset("text/css;charset=utf-8", resource("demo.css")),
            "/favicon.svg", new Asset("image/svg+xml", resource("favicon.svg")));
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (read && (path.equals("/") || path.equals("/index.html"))) {
      String token = SenteJetty.csrfToken(sente, request, response);
      String html = page.replace(TOKEN_PLACEHOLDER, escape(token));
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      response.getHeaders().put("Content-Security-Policy", CSP);
      write(response, callback, 200, "text/html;charset=utf-8", html);
      return true;
    }
    Asset asset = read ? assets.get(path) : null;
    if (asset != null) {
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      write(response, callback, 200, asset.contentType(), asset.bytes());
      return true;
    }
    if (method.equals("POST") && (path.equals("/login") || path.equals("/logout"))) {
      FormFields.onFields(
          request,
          StandardCharsets.UTF_8,
          8,
          4096,
          Promise.Invocable.from(
              Invocable.InvocationType.BLOCKING,
              (Fields fields, Throwable failure) -> {
                if (failure != null || fields == null) {
                  write(response, callback, 400, "text/plain;charset=utf-8", "Bad form\n");
                } else {
                  account(request, response, callback, path.equals("/login"), fields);
                }
              }));
      return true;
    }
    return false;
  }

  private void account(
      Request request, Response response, Callback callback, boolean login, Fields fields) {
    Optional<String> header = Optional.ofNullable(request.getHeaders().get("X-CSRF-Token"));
    Optional<String> token =
        header
            .or(() -> Optional.ofNullable(fields.getValue("csrf-token")))
            .filter(t -> !t.isEmpty());
    if (token.isEmpty() || !csrfValid(request, token.get())) {
      write(response, callback, 403, "text/plain;charset=utf-8", "Bad CSRF token\n");
      return;
    }
    String userId = null;
    if (login) {
      String given = Optional.ofNullable(fields.getValue("user-id")).orElse("").strip();
      if (!USER_ID.matcher(given).matches() || given.equalsIgnoreCase(DemoEvents.ANONYMOUS_NAME)) {
        String why = "A user id has 1 to 32 letters, digits, spaces, dots, dashes or underscores\n";
        write(response, callback, 400, "text/plain;charset=utf-8", why);
        return;
      }
      userId = given;
      response.getHeaders().add(HttpHeader.SET_COOKIE, DemoLogin.setCookie(userId));
      LOG.info("{} logged in from {}", userId, Request.getRemoteAddr(request));
    } else {
      response.getHeaders().add(HttpHeader.SET_COOKIE, DemoLogin.setCookie(null));
    }
    if (header.isPresent()) {
      String json = userId == null ? "{\"userId\":null}" : "{\"userId\":\"" + json(userId) + "\"}";
      write(response, callback, 200, "application/json", json);
    } else {
      Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, "/", true);
    }
  }

  /** The page's token is the HMAC of the browser's CSRF cookie; compare in constant time. */
  private boolean csrfValid(Request request, String token) {
    Optional<String> cookie =
        Request.getCookies(request).stream()
            .filter(c -> c.getName().equals(CsrfTokens.COOKIE_NAME))
            .map(HttpCookie::getValue)
            .findFirst();
    if (cookie.isEmpty()) {
      return false;
    }
    CsrfTokens.Issued expected = csrfTokens.issue(cookie);
    return expected.newCookie().isEmpty()
        && MessageDigest.isEqual(
            expected.token().getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(
      Response response, Callback callback, int status, String contentType, String body) {
    write(response, callback, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void write(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "same-origin");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private static byte[] resource(String name) {
    try (InputStream in = DemoPages.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing demo resource " + RESOURCES + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }

  private static String json(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
