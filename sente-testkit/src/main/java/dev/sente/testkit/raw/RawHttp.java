package dev.sente.testkit.raw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raw HTTP requests on the JDK's {@link HttpClient} (HTTP/1.1 only), for asserting the exact wire
 * text of a Sente endpoint: nothing is added but the headers given (and the ones the JDK always
 * sends, such as {@code Host}).
 *
 * <pre>{@code
 * RawResponse handshake =
 *     RawHttp.get(URI.create(base + "/chsk?client-id=c3&udt=1&handshake%3F=1"), Map.of("Origin", base));
 * RawResponse sent =
 *     RawHttp.post(endpoint, RawHttp.form("client-id", "c3", "udt", "3", "ppstr", "[[\"a/b\",1],null]"),
 *         Map.of("Origin", base));
 * }</pre>
 */
public final class RawHttp {

  /** The content type of an Ajax POST, as Sente's client sends it. */
  public static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=UTF-8";

  /** How long a request may take before it fails; longer than any long-poll the suite holds. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private RawHttp() {}

  /** The shared client (HTTP/1.1, no redirects); also builds raw WebSockets. */
  public static HttpClient client() {
    return CLIENT;
  }

  /** A GET, waiting for the whole response. */
  public static RawResponse get(URI uri, Map<String, String> headers) {
    return join(getAsync(uri, headers));
  }

  /** A GET whose response comes later (a long-poll). */
  public static CompletableFuture<RawResponse> getAsync(URI uri, Map<String, String> headers) {
    return send(request(uri, headers).GET().build());
  }

  /** A form POST ({@value #FORM_CONTENT_TYPE}), waiting for the whole response. */
  public static RawResponse post(URI uri, String formBody, Map<String, String> headers) {
    return join(postAsync(uri, formBody, headers));
  }

  /** A form POST whose response comes later (an Ajax event waiting for its reply). */
  public static CompletableFuture<RawResponse> postAsync(
      URI uri, String formBody, Map<String, String> headers) {
    Objects.requireNonNull(formBody, "formBody");
    HttpRequest.Builder builder = request(uri, headers);
    if (headers.keySet().stream().noneMatch("Content-Type"::equalsIgnoreCase)) {
      builder.header("Content-Type", FORM_CONTENT_TYPE);
    }
    return send(builder.POST(HttpRequest.BodyPublishers.ofString(formBody)).build());
  }

  /**
   * URL-encodes name/value pairs as a query string or form body: {@code form("handshake?", "1")} is
   * {@code handshake%3F=1}.
   */
  public static String form(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("form needs names and values in pairs");
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(encode(namesAndValues[i])).append('=').append(encode(namesAndValues[i + 1]));
    }
    return out.toString();
  }

  /** URL-encodes one value (UTF-8). */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Waits for a response, at most {@link #REQUEST_TIMEOUT}. */
  public static RawResponse join(CompletableFuture<RawResponse> response) {
    try {
      return response.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a response", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException("Request failed: " + cause, cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("No response within " + REQUEST_TIMEOUT, e);
    }
  }

  private static HttpRequest.Builder request(URI uri, Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
    headers.forEach(builder::header);
    return builder;
  }

  private static CompletableFuture<RawResponse> send(HttpRequest request) {
    return CLIENT
        .sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(r -> new RawResponse(r.statusCode(), r.body(), r.headers().map()));
  }
}
