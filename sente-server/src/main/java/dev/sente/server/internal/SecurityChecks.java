package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.internal.LogLimiter;
import dev.sente.server.OriginPolicy;
import dev.sente.server.Rejection;
import dev.sente.server.SenteConfig;
import dev.sente.server.SenteRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rejection pipeline, in Sente's order: the custom reject hook, the CSRF token, the origin
 * (with the Host header when the server's origins are configured), authorization. Runs on every GET
 * and POST. A rejection is logged at INFO with the remote address, never with a token; since any
 * client can make as many as it likes, a few lines a minute for all of them, and the rest counted
 * (the count comes with the next line logged).
 */
final class SecurityChecks {
  static final Rejection BAD_CSRF = new Rejection(403, "Bad CSRF token");
  static final Rejection BAD_ORIGIN = new Rejection(403, "Unauthorized origin");
  static final Rejection UNAUTHORIZED = new Rejection(401, "Unauthorized request");

  private static final Logger LOG = LoggerFactory.getLogger(SecurityChecks.class);
  private final SenteConfig config;
  private final LogLimiter log;

  /** The normalised Host headers of the configured server origins; empty to trust Host. */
  private final Set<String> serverHosts;

  /** The checks of a configuration; the clock (milliseconds) paces their log lines. */
  SecurityChecks(SenteConfig config, LongSupplier clock) {
    this.config = config;
    this.log = LogLimiter.perMinute(clock);
    Set<String> hosts = new HashSet<>();
    if (config.originPolicy() instanceof OriginPolicy.SameOrigin same) {
      same.serverOrigins().forEach(origin -> hosts.addAll(Origins.hostHeadersOf(origin)));
    }
    this.serverHosts = Set.copyOf(hosts);
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
    String originFailure = originFailure(request);
    if (originFailure != null) {
      return log(request, originFailure, BAD_ORIGIN);
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

  /** Null when the origin check passes, else the name of the part that failed. */
  private String originFailure(SenteRequest request) {
    OriginPolicy policy = config.originPolicy();
    if (policy instanceof OriginPolicy.Any) {
      return null;
    }
    Optional<String> page = pageOrigin(request);
    if (policy instanceof OriginPolicy.AllowList list) {
      return page.isPresent() && list.origins().contains(page.get()) ? null : "origin";
    }
    if (serverHosts.isEmpty()) {
      Optional<String> own = request.host().flatMap(host -> Origins.ofHost(request.scheme(), host));
      return own.isPresent() && page.equals(own) ? null : "origin";
    }
    Optional<String> host = request.host().flatMap(Origins::hostHeader);
    if (host.isEmpty() || !serverHosts.contains(host.get())) {
      return "host";
    }
    Set<String> own = ((OriginPolicy.SameOrigin) policy).serverOrigins();
    return page.isPresent() && own.contains(page.get()) ? null : "origin";
  }

  /**
   * The origin of the page that sent the request, in normal form: the {@code Origin} header, or
   * without one the origin of the {@code Referer}. Empty for {@code Origin: null}, a malformed
   * value, or neither header.
   */
  static Optional<String> pageOrigin(SenteRequest request) {
    Optional<String> origin = request.header("Origin");
    if (origin.isPresent()) {
      return Origins.ofHeader(origin.get());
    }
    return request.header("Referer").flatMap(Origins::ofReferer);
  }
}
