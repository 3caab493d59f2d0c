package dev.sente.client.internal;

import dev.sente.client.ClientConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/** The URLs, query strings, form bodies and headers of Sente's exchanges (docs/protocol.md). */
public final class Urls {

  /** The query key of the Ajax handshake flag, {@code handshake?}. */
  public static final String HANDSHAKE_KEY = "handshake?";

  private Urls() {}

  /**
   * {@code ws(s)://host:port/path?<params>&client-id=..&csrf-token=..}; Sente's keys win over user
   * parameters, and no token drops the parameter.
   */
  public static URI webSocket(ClientConfig config, Optional<String> csrfToken) {
    return webSocket(config, csrfToken, Map.of());
  }

  /**
   * The WebSocket URL with extension parameters after Sente's ({@code ext=resume&epoch=..&seq=..},
   * docs/protocol.md, "Extensions"); they win over user parameters of the same name.
   */
  public static URI webSocket(
      ClientConfig config, Optional<String> csrfToken, Map<String, String> extension) {
    Map<String, String> query = new LinkedHashMap<>(config.params());
    query.remove("client-id");
    query.remove("csrf-token");
    extension.keySet().forEach(query::remove);
    query.put("client-id", config.clientId());
    csrfToken.ifPresent(token -> query.put("csrf-token", token));
    query.putAll(extension);
    URI http = config.endpoint();
    String scheme = http.getScheme().equals("https") ? "wss" : "ws";
    return URI.create(
        scheme + base(http).substring(http.getScheme().length()) + query(http, query));
  }

  /** {@code GET <endpoint>?<params>&udt=..&client-id=..[&handshake%3F=1]}. */
  public static URI ajaxGet(ClientConfig config, boolean handshake, long udt) {
    return ajaxGet(config, handshake, udt, Map.of());
  }

  /** The Ajax GET with extension parameters after Sente's, winning over user parameters. */
  public static URI ajaxGet(
      ClientConfig config, boolean handshake, long udt, Map<String, String> extension) {
    Map<String, String> query = new LinkedHashMap<>(config.params());
    query.remove("udt");
    query.remove("client-id");
    query.remove(HANDSHAKE_KEY);
    extension.keySet().forEach(query::remove);
    query.put("udt", Long.toString(udt));
    query.put("client-id", config.clientId());
    if (handshake) {
      query.put(HANDSHAKE_KEY, "1");
    }
    query.putAll(extension);
    return URI.create(base(config.endpoint()) + query(config.endpoint(), query));
  }

  /**
   * The POST URI: the endpoint for text packers; with {@code ?udt=..&client-id=..&binary%3F=true}
   * for binary ones, whose body is the raw frame.
   */
  public static URI ajaxPost(ClientConfig config, boolean binary, long udt) {
    return ajaxPost(config, binary, udt, Map.of());
  }

  /**
   * The POST URI with extension parameters in its query ({@code ?ext=resume} for a text packer;
   * after Sente's for a binary one).
   */
  public static URI ajaxPost(
      ClientConfig config, boolean binary, long udt, Map<String, String> extension) {
    if (!binary) {
      return extension.isEmpty()
          ? config.endpoint()
          : URI.create(base(config.endpoint()) + query(config.endpoint(), extension));
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("udt", Long.toString(udt));
    query.put("client-id", config.clientId());
    query.put("binary?", "true");
    query.putAll(extension);
    return URI.create(base(config.endpoint()) + query(config.endpoint(), query));
  }

  /** The form body of a text POST: {@code udt=..&client-id=..&ppstr=<url-encoded frame>}. */
  public static String postForm(ClientConfig config, long udt, String packedFrame) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("udt", Long.toString(udt));
    form.put("client-id", config.clientId());
    form.put("ppstr", packedFrame);
    return encodeAll(form);
  }

  /**
   * The headers of every request: the user's, {@code Origin}, {@code Cookie}; on Ajax also {@code
   * X-CSRF-Token} and {@code X-Requested-With}.
   */
  public static Map<String, String> headers(
      ClientConfig config, boolean ajax, Optional<String> csrfToken) {
    Map<String, String> headers = new LinkedHashMap<>(config.headers());
    config.origin().ifPresent(origin -> headers.put("Origin", origin));
    if (!config.cookies().isEmpty()) {
      StringJoiner cookie = new StringJoiner("; ");
      for (var it = headers.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, String> header = it.next();
        if (header.getKey().equalsIgnoreCase("Cookie")) {
          cookie.add(header.getValue());
          it.remove();
        }
      }
      config.cookies().forEach((name, value) -> cookie.add(name + "=" + value));
      headers.put("Cookie", cookie.toString());
    }
    if (ajax) {
      csrfToken.ifPresent(token -> headers.put("X-CSRF-Token", token));
      headers.put("X-Requested-With", "XMLHTTPRequest");
    }
    return headers;
  }

  /** URL-encodes as Sente does: UTF-8, spaces as {@code %20}, {@code *} as {@code %2A}. */
  public static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
  }

  private static String encodeAll(Map<String, String> pairs) {
    StringJoiner joined = new StringJoiner("&");
    pairs.forEach((k, v) -> joined.add(encode(k) + "=" + encode(v)));
    return joined.toString();
  }

  private static String base(URI http) {
    String s = http.toString();
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q);
  }

  private static String query(URI http, Map<String, String> pairs) {
    String own = http.getRawQuery();
    String added = encodeAll(pairs);
    return "?" + (own == null || own.isEmpty() ? added : own + "&" + added);
  }

  /** {@code scheme://host[:port]}, the port only when it is not the scheme's default. */
  public static String origin(URI http) {
    int port = http.getPort();
    boolean defaultPort =
        port == -1
            || (port == 80 && http.getScheme().equals("http"))
            || (port == 443 && http.getScheme().equals("https"));
    return http.getScheme() + "://" + http.getHost() + (defaultPort ? "" : ":" + port);
  }

  /** The endpoint as {@code http(s)://host[:port]/path}; {@code ws(s)} maps to {@code http(s)}. */
  public static URI endpoint(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String http =
        switch (scheme) {
          case "http", "ws" -> "http";
          case "https", "wss" -> "https";
          default ->
              throw new IllegalArgumentException(
                  "endpoint must be an http(s) or ws(s) URI: " + uri);
        };
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("endpoint needs a host: " + uri);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
    return URI.create(http + "://" + hostPart(uri) + port + path + query);
  }

  private static String hostPart(URI uri) {
    String host = uri.getHost();
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
