package dev.sente.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The built-in CSRF token source, for applications without a framework: a signed double-submit
 * token. The browser holds a random value in an HttpOnly cookie ({@value #COOKIE_NAME}); the page
 * carries the token, an HMAC-SHA256 of that value under a server key. A foreign site can neither
 * read the page nor compute the token, so it cannot forge a request. No server-side state: nodes
 * that share the key accept each other's tokens.
 *
 * <pre>{@code
 * SenteServer sente = SenteServer.builder().csrf().build();   // built-in tokens
 * // when rendering the page (sente-jetty does this for you: SenteJetty.csrfToken(..)):
 * CsrfTokens.Issued issued = sente.csrfTokens().orElseThrow().issue(request.cookie(CsrfTokens.COOKIE_NAME));
 * issued.newCookie().ifPresent(value -> setCookie(CsrfTokens.COOKIE_NAME, value));
 * page.meta("csrf-token", issued.token());
 * }</pre>
 */
public final class CsrfTokens implements CsrfTokenSource {

  /** The cookie that holds the browser's random value. */
  public static final String COOKIE_NAME = "sente-csrf";

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  private CsrfTokens(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("A CSRF key needs at least 16 bytes");
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
  }

  /** Tokens under a fresh random key (tokens do not survive a restart). */
  public static CsrfTokens create() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new CsrfTokens(key);
  }

  /** Tokens under a given key: share it between nodes, keep it across restarts. */
  public static CsrfTokens withKey(byte[] key) {
    return new CsrfTokens(Objects.requireNonNull(key, "key"));
  }

  /**
   * A token issued for a page.
   *
   * @param token the token for the page (a meta tag)
   * @param newCookie a cookie value to set, when the browser had none (or an invalid one)
   */
  public record Issued(String token, Optional<String> newCookie) {}

  /** Issues the page's token for the browser's cookie value, creating a value when it has none. */
  public Issued issue(Optional<String> cookieValue) {
    Optional<String> valid = cookieValue.filter(CsrfTokens::plausible);
    if (valid.isPresent()) {
      return new Issued(sign(valid.get()), Optional.empty());
    }
    byte[] raw = new byte[24];
    RANDOM.nextBytes(raw);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    return new Issued(sign(value), Optional.of(value));
  }

  @Override
  public Optional<String> expectedToken(SenteRequest request) {
    return request.cookie(COOKIE_NAME).filter(CsrfTokens::plausible).map(this::sign);
  }

  private static boolean plausible(String value) {
    return value.length() >= 16 && value.length() <= 128;
  }

  private String sign(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] out = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
