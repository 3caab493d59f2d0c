package dev.sente.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's login: the user id in a cookie signed with HMAC-SHA256, so that every node of a
 * cluster knows who a request is from without sharing sessions. The key is drawn once per process:
 * the nodes of the cluster demo, and a demo restarted in the same JVM, share it.
 */
final class DemoLogin {
  /** The cookie: {@code <user id in base64url>.<signature in base64url>}. */
  static final String COOKIE = "sente-demo-user";

  private static final byte[] KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private DemoLogin() {}

  /** The cookie's value for the user id. */
  static String sign(String userId) {
    String user = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(userId));
    return user + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(user));
  }

  /** The user id in a cookie's value, when its signature holds. */
  static Optional<String> verify(String value) {
    int dot = value.indexOf('.');
    if (dot <= 0 || dot != value.lastIndexOf('.')) {
      return Optional.empty();
    }
    String user = value.substring(0, dot);
    byte[] given;
    byte[] id;
    try {
      given = Base64.getUrlDecoder().decode(value.substring(dot + 1));
      id = Base64.getUrlDecoder().decode(user);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(given, mac(user))) {
      return Optional.empty();
    }
    return Optional.of(new String(id, StandardCharsets.UTF_8));
  }

  /** The {@code Set-Cookie} value that logs the user in (or, with null, out). */
  static String setCookie(String userId) {
    String attributes = "; Path=/; HttpOnly; SameSite=Lax";
    return userId == null
        ? COOKIE + "=; Max-Age=0" + attributes
        : COOKIE + "=" + sign(userId) + attributes;
  }

  private static byte[] mac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      return mac.doFinal(bytes(text));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
