package dev.sente.servlet.internal;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the browser client's files (sente-js: {@code sente.js}, {@code sente.d.ts}) from the
 * classpath folder {@link #CLIENT_RESOURCES}, mapped at {@link #CLIENT_PATH}{@code /*}: GET and
 * HEAD, {@code Cache-Control: no-cache} with an ETag, and {@code X-Content-Type-Options: nosniff}.
 * Files found are kept in memory (they are few and small); names that are not plain file names are
 * not looked up.
 *
 * <p>Public only for registration with the servlet context; not an API.
 */
public final class ClientFilesServlet extends HttpServlet {

  /** Where the browser client's files live on the classpath. */
  public static final String CLIENT_RESOURCES = "META-INF/resources/sente/";

  /** The URL path they are served under. */
  public static final String CLIENT_PATH = "/sente";

  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript;charset=utf-8",
          "mjs", "text/javascript;charset=utf-8",
          "ts", "text/plain;charset=utf-8",
          "map", "application/json",
          "json", "application/json",
          "html", "text/html;charset=utf-8",
          "css", "text/css;charset=utf-8");

  private final transient ClassLoader classLoader;
  private final transient Map<String, byte[]> files = new ConcurrentHashMap<>();

  /** Serves the folder as the class loader finds it. */
  public ClientFilesServlet(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(request, response, true);
  }

  @Override
  protected void doHead(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    serve(request, response, false);
  }

  private void serve(HttpServletRequest request, HttpServletResponse response, boolean body)
      throws IOException {
    String name = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
    Optional<byte[]> file = plainName(name) ? file(name) : Optional.empty();
    response.setHeader(ResponseWriter.CONTENT_TYPE_OPTIONS, "nosniff");
    if (file.isEmpty()) {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
      return;
    }
    byte[] bytes = file.get();
    String etag = "\"" + Integer.toHexString(Arrays.hashCode(bytes)) + "\"";
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("ETag", etag);
    if (etag.equals(request.getHeader("If-None-Match"))) {
      response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
      return;
    }
    response.setContentType(contentType(request, name));
    response.setContentLength(bytes.length);
    if (body) {
      response.getOutputStream().write(bytes);
    }
  }

  private static boolean plainName(String name) {
    if (name.isEmpty() || name.endsWith("/") || name.indexOf('\\') >= 0 || name.indexOf(0) >= 0) {
      return false;
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private Optional<byte[]> file(String name) throws IOException {
    byte[] cached = files.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    URL url = classLoader.getResource(CLIENT_RESOURCES + name);
    if (url == null
        || (url.getProtocol().equals("file") && !new java.io.File(url.getPath()).isFile())) {
      return Optional.empty();
    }
    try (InputStream in = url.openStream()) {
      byte[] bytes = in.readAllBytes();
      files.putIfAbsent(name, bytes);
      return Optional.of(bytes);
    }
  }

  private String contentType(HttpServletRequest request, String name) {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    String type = TYPES.get(extension);
    if (type == null) {
      type = request.getServletContext().getMimeType(name);
    }
    return type == null ? "application/octet-stream" : type;
  }
}
