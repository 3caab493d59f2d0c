package dev.sente.testkit.raw;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP response exactly as it came over the wire: status, body text and headers.
 *
 * <pre>{@code
 * RawResponse r = RawHttp.get(uri, Map.of("Origin", origin));
 * assertThat(r.status()).isEqualTo(200);
 * assertThat(r.body()).isEqualTo("[\"chsk/timeout\",null]");
 * }</pre>
 *
 * @param status the HTTP status
 * @param body the body, decoded as UTF-8
 * @param headers the response headers, names in lower case
 */
public record RawResponse(int status, String body, Map<String, List<String>> headers) {

  public RawResponse {
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
  }

  /** The first value of a header, by case-insensitive name. */
  public Optional<String> header(String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .flatMap(e -> e.getValue().stream())
        .findFirst();
  }

  @Override
  public String toString() {
    return status + " " + body;
  }
}
