package dev.sente.servlet.internal;

import dev.sente.server.SenteRequest;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SenteRequest} copied from an {@link HttpServletRequest} while it is being handled: the
 * container recycles the request object once the exchange ends, while the engine keeps this view
 * for a client's lifetime. Only session attributes are read live, from the request's {@link
 * HttpSession}.
 */
final class RequestView implements SenteRequest {

  private final String method;
  private final String path;
  private final String scheme;
  private final Optional<String> host;
  private final Map<String, List<String>> queryParams;
  private final Map<String, List<String>> headers;
  private final Map<String, String> cookies;
  private final Optional<Principal> principal;
  private final HttpSession session;
  private final String remoteAddress;

  private RequestView(HttpServletRequest request, Map<String, List<String>> queryParams) {
    this.method = request.getMethod();
    String pathInfo = request.getPathInfo();
    this.path =
        request.getContextPath() + request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    this.scheme = request.isSecure() ? "https" : "http";
    this.queryParams = queryParams;
    this.headers = headersOf(request);
    this.host = header("host").filter(h -> !h.isEmpty());
    this.cookies = cookiesOf(request);
    this.principal = Optional.ofNullable(request.getUserPrincipal());
    this.session = request.getSession(false);
    this.remoteAddress = request.getRemoteAddr() + ":" + request.getRemotePort();
  }

  /**
   * Copies the request. Throws {@link IllegalArgumentException} when its query string cannot be
   * decoded (bad percent-encoding or UTF-8), which the servlet answers with 400.
   */
  static RequestView of(HttpServletRequest request) {
    return new RequestView(request, QueryString.decode(request.getQueryString()));
  }

  private static Map<String, List<String>> headersOf(HttpServletRequest request) {
    Map<String, List<String>> headers = new HashMap<>();
    Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      List<String> values = Collections.list(request.getHeaders(name));
      headers
          .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>(values.size()))
          .addAll(values);
    }
    return headers;
  }

  private static Map<String, String> cookiesOf(HttpServletRequest request) {
    Cookie[] list = request.getCookies();
    if (list == null) {
      return Map.of();
    }
    Map<String, String> cookies = new LinkedHashMap<>();
    for (Cookie cookie : list) {
      cookies.putIfAbsent(cookie.getName(), cookie.getValue());
    }
    return Collections.unmodifiableMap(cookies);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public Optional<String> host() {
    return host;
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return queryParams;
  }

  @Override
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** True when a header holds the token, case-insensitively (comma-separated values). */
  boolean headerHasToken(String name, String token) {
    for (String value : headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
      for (String part : value.split(",")) {
        if (part.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  @Override
  public Optional<Principal> principal() {
    return principal;
  }

  @Override
  public Optional<Object> sessionAttribute(String name) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(session.getAttribute(name));
    } catch (IllegalStateException invalidated) {
      return Optional.empty();
    }
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return method + " " + path + " from " + remoteAddress;
  }
}
