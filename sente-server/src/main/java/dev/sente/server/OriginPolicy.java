package dev.sente.server;

import java.util.Set;

/**
 * Which pages may connect, judged by the {@code Origin} header, or, when there is none, by the
 * {@code Referer} (it must start with an allowed origin followed by {@code /}). A request with
 * neither is refused, except under {@link Any}. This blocks cross-site WebSocket hijacking
 * (CVE-2019-1000022).
 */
public sealed interface OriginPolicy {

  /** Only the server's own origin ({@code scheme://host[:port]} from the request): the default. */
  record SameOrigin() implements OriginPolicy {}

  /**
   * Only the listed origins, compared exactly.
   *
   * @param origins origins such as {@code https://app.example}
   */
  record AllowList(Set<String> origins) implements OriginPolicy {
    public AllowList {
      origins = Set.copyOf(origins);
    }
  }

  /** Every origin, and requests with none (non-browser clients, tests). */
  record Any() implements OriginPolicy {}
}
