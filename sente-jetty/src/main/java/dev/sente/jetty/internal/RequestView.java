package dev.sente.jetty.internal;

import dev.sente.server.SenteRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.Fields;

/**
 * A {@link SenteRequest} taken from a Jetty core {@link Request} while it is being handled. Every
 * value is copied at creation, because Jetty may recycle the request once it completes while the
 * engine keeps the view for a WebSocket's lifetime. Only session attributes are read live, from the
 * Jetty session that the request carried.
 */
final class RequestView implements SenteRequest {

  private final String method;
  private final String path;
  private final String scheme;
  private final Optional<String> host;
  private final Map<String, List<String>> queryParams;
  private final HttpFields headers;
  private final Map<String, String> cookies;
  private final Optional<Principal> principal;
  private final Session session;
  private final String remoteAddress;

  private RequestView(Request request, Map<String, List<String>> queryParams) {
    this.method = request.getMethod();
    this.path = request.getHttpURI().getDecodedPath();
    this.scheme = request.isSecure() ? "https" : "http";
    this.headers = copyOf(request.getHeaders());
    this.host = hostOf(request, headers);
    this.queryParams = queryParams;
    this.cookies = cookiesOf(request);
    Request.AuthenticationState auth = Request.getAuthenticationState(request);
    this.principal = auth == null ? Optional.empty() : Optional.ofNullable(auth.getUserPrincipal());
    this.session = request.getSession(false);
    this.remoteAddress = Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
  }

  /**
   * Copies the request. Throws {@link IllegalArgumentException} when its query string cannot be
   * decoded (bad percent-encoding or UTF-8), which the handler answers with 400.
   */
  static RequestView of(Request request) {
    return new RequestView(request, queryOf(request));
  }

  /**
   * Names and values only, in fields of our own: the parser's fields are inner objects of Jetty's
   * parser, and copying them would keep the parser and its whole connection alive for as long as
   * the engine keeps this view (a client's grace period, a WebSocket's lifetime).
   */
  private static HttpFields copyOf(HttpFields fields) {
    HttpFields.Mutable copy = HttpFields.build(fields.size());
    for (HttpField field : fields) {
      copy.add(new HttpField(field.getHeader(), field.getName(), field.getValue()));
    }
    return copy.asImmutable();
  }

  private static Optional<String> hostOf(Request request, HttpFields headers) {
    String host = headers.get(HttpHeader.HOST);
    if (host == null && request.getHttpURI().hasAuthority()) {
      host = request.getHttpURI().getAuthority();
    }
    return Optional.ofNullable(host).filter(h -> !h.isEmpty());
  }

  private static Map<String, List<String>> queryOf(Request request) {
    Fields fields;
    try {
      fields = Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Malformed query string", e);
    }
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (Fields.Field field : fields) {
      query.put(field.getName(), List.copyOf(field.getValues()));
    }
    return Collections.unmodifiableMap(query);
  }

  private static Map<String, String> cookiesOf(Request request) {
    List<HttpCookie> list;
    try {
      list = Request.getCookies(request);
    } catch (RuntimeException e) {
      return Map.of();
    }
    Map<String, String> cookies = new LinkedHashMap<>();
    for (HttpCookie cookie : new ArrayList<>(list)) {
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
    return Optional.ofNullable(headers.get(name));
  }

  /** True when a header holds the token, case-insensitively (comma-separated values). */
  boolean headerHasToken(HttpHeader header, String token) {
    for (String value : headers.getCSV(header, false)) {
      if (value.trim().equalsIgnoreCase(token)) {
        return true;
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
