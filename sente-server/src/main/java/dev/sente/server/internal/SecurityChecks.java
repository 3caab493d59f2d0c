package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.internal.LogLimiter;
import dev.sente.server.OriginPolicy;
import dev.sente.server.Rejection;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rejection pipeline, in Sente's order: the custom reject hook, the CSRF token, the origin,
 * authorization. Runs on every GET and POST. A rejection is logged at INFO with the remote address,
 * never with a token; since any client can make as many as it likes, a few lines a minute for all
 * of them, and the rest counted (the count comes with the next line logged).
 */
final class SecurityChecks {
  static final Rejection BAD_CSRF = new Rejection(403, "Bad CSRF token");
  static final Rejection BAD_ORIGIN = new Rejection(403, "Unauthorized origin");
  static final Rejection UNAUTHORIZED = new Rejection(401, "Unauthorized request");

  private static final Logger LOG = LoggerFactory.getLogger(SecurityChecks.class);
  private final SenteConfig config;
  private final LogLimiter log;

  /** The checks of a configuration; the clock (milliseconds) paces their log lines. */
  SecurityChecks(SenteConfig config, LongSupplier clock) {
    this.config = config;
    this.log = LogLimiter.perMinute(clock);
  }

  /** The bound on the rejections' log lines. */
  LogLimiter log() {
    return log;
  }

  Optional<Rejection> check(SenteRequest request) {
    Optional<Rejection> custom = config.rejectWhen().apply(request);
    if (custom.isPresent()) {
      return log(request, "custom reject hook", custom.get());
    }
    if (config.csrf().isPresent() && !csrfValid(request)) {
      return log(request, "CSRF token", BAD_CSRF);
    }
    if (!originAllowed(request)) {
      return log(request, "origin", BAD_ORIGIN);
    }
    if (!config.authorize().test(request)) {
      return log(request, "authorization", UNAUTHORIZED);
    }
    return Optional.empty();
  }

  private Optional<Rejection> log(SenteRequest request, String check, Rejection r) {
    long skipped = log.acquire();
    if (skipped >= 0) {
      LOG.info(
          "Rejected {} {} from {}: {} check failed ({}){}",
          safe(request.method()),
          safe(request.path()),
          request.remoteAddress(),
          check,
          r.status(),
          LogLimiter.note(skipped));
    }
    return Optional.of(r);
  }

  private boolean csrfValid(SenteRequest request) {
    Optional<String> expected = config.csrf().get().expectedToken(request);
    Optional<String> actual =
        request
            .queryParam("csrf-token")
            .or(() -> request.header("X-CSRF-Token"))
            .or(() -> request.header("X-XSRF-Token"))
            .filter(s -> !s.isEmpty());
    if (expected.isEmpty() || expected.get().isEmpty() || actual.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        expected.get().getBytes(StandardCharsets.UTF_8),
        actual.get().getBytes(StandardCharsets.UTF_8));
  }

  private boolean originAllowed(SenteRequest request) {
    OriginPolicy policy = config.originPolicy();
    if (policy instanceof OriginPolicy.Any) {
      return true;
    }
    Set<String> allowed;
    if (policy instanceof OriginPolicy.AllowList list) {
      allowed = list.origins();
    } else {
      Optional<String> host = request.host();
      if (host.isEmpty()) {
        return false;
      }
      allowed = Set.of(request.scheme() + "://" + host.get());
    }
    return originAllowed(allowed, request.header("Origin"), request.header("Referer"));
  }

  /** Sente's rule: exact Origin match; without Origin, the Referer must start with origin + "/". */
  static boolean originAllowed(
      Set<String> allowed, Optional<String> origin, Optional<String> referer) {
    if (origin.isPresent()) {
      return allowed.contains(origin.get());
    }
    if (referer.isPresent()) {
      for (String o : allowed) {
        if (referer.get().startsWith(o + "/")) {
          return true;
        }
      }
    }
    return false;
  }
}
