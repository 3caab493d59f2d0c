package dev.sente.server;

import java.util.Objects;

/**
 * An answer that refuses a request: its status and a body that names the check that failed.
 *
 * @param status the HTTP status, 400 to 599
 * @param body a plain-text body naming the failed check
 */
public record Rejection(int status, String body) {

  public Rejection {
    Objects.requireNonNull(body, "body");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("A rejection's status must be 4xx or 5xx: " + status);
    }
  }
}
