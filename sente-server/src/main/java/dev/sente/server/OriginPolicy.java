package dev.sente.server;

import dev.sente.server.internal.Origins;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which pages may connect, judged by the {@code Origin} header, or, when there is none, by the
 * origin of the {@code Referer}. A request with neither is refused, except under {@link Any}. This
 * blocks cross-site WebSocket hijacking (CVE-2019-1000022).
 *
 * <p>Origins are compared in a normal form: scheme and host without case, a trailing dot of the
 * host ignored, the default port (80 for {@code http}, 443 for {@code https}) the same as no port,
 * IPv6 literals as addresses ({@code [0:0::1]} is {@code [::1]}). {@code Origin: null} (a sandboxed
 * or {@code file:} page) matches no policy but {@link Any}. Configured origins are normalised and
 * validated when the policy is made: an entry that is not {@code scheme://host[:port]} (no path, no
 * user info) throws {@link IllegalArgumentException}.
 */
public sealed interface OriginPolicy {

  /**
   * Only the server's own origin: the default.
   *
   * <p>With no {@code serverOrigins} the server's origin is taken from the request (its scheme and
   * {@code Host} header). The {@code Host} header is chosen by whoever sends the request, so this
   * does not defeat DNS rebinding: a page at {@code http://evil.example:8080} whose name the
   * attacker re-points at the server's address sends {@code Host: evil.example:8080} and {@code
   * Origin: http://evil.example:8080}, which match. Name the server's origins for any server that a
   * browser can reach under a name an attacker controls (anything on localhost or an intranet
   * without TLS and authentication).
   *
   * <p>With {@code serverOrigins}, the {@code Host} header must name one of them (a {@code Host}
   * without a port matches an origin on its scheme's default port, so {@code Host: app.example}
   * matches {@code https://app.example} also behind a TLS-terminating proxy) and the page's origin
   * must be one of them.
   *
   * @param serverOrigins the origins browsers use to reach this server ({@code http} or {@code
   *     https}), normalised; empty to trust the {@code Host} header
   */
  record SameOrigin(Set<String> serverOrigins) implements OriginPolicy {
    public SameOrigin {
      serverOrigins = normalise(serverOrigins, "serverOrigins");
      for (String origin : serverOrigins) {
        String scheme = Origins.schemeOf(origin);
        if (!scheme.equals("http") && !scheme.equals("https")) {
          throw new IllegalArgumentException(
              "serverOrigins: \""
                  + origin
                  + "\" is not a page origin: use http:// or https:// (the origin of the page,"
                  + " not the WebSocket URL)");
        }
      }
    }

    /** Trusts the {@code Host} header for the server's origin, as Sente does. */
    public SameOrigin() {
      this(Set.of());
    }
  }

  /**
   * Only the listed origins, whatever the {@code Host} header says.
   *
   * @param origins origins such as {@code https://app.example}, normalised
   */
  record AllowList(Set<String> origins) implements OriginPolicy {
    public AllowList {
      origins = normalise(origins, "allowedOrigins");
    }
  }

  /** Every origin, and requests with none (non-browser clients, tests). */
  record Any() implements OriginPolicy {}

  private static Set<String> normalise(Set<String> origins, String option) {
    Objects.requireNonNull(origins, option);
    Set<String> normal = new LinkedHashSet<>();
    for (String origin : origins) {
      normal.add(Origins.normaliseConfigured(origin, option));
    }
    return Set.copyOf(normal);
  }
}
