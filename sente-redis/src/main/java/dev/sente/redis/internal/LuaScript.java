package dev.sente.redis.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run by its digest ({@code EVALSHA}, so its text is sent once per Redis, not per
 * call); when Redis does not have it (a new or restarted Redis, {@code SCRIPT FLUSH}), by its text,
 * which loads it.
 */
record LuaScript(String text, String sha) {

  static LuaScript of(String text) {
    return new LuaScript(text, sha1(text));
  }

  <T> CompletionStage<T> run(
      StatefulRedisConnection<byte[], byte[]> connection,
      ScriptOutputType type,
      byte[][] keys,
      byte[][] args) {
    CompletableFuture<T> bySha =
        connection.async().<T>evalsha(sha, type, keys, args).toCompletableFuture();
    return bySha
        .handle(
            (result, error) -> {
              if (error == null) {
                return CompletableFuture.completedFuture(result);
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof RedisNoScriptException) {
                return connection.async().<T>eval(text, type, keys, args).toCompletableFuture();
              }
              return CompletableFuture.<T>failedFuture(cause);
            })
        .thenCompose(f -> f);
  }

  /** A script argument: the value's text in UTF-8. */
  static byte[] bytes(Object value) {
    return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
  }

  /** A script's reply element as text (bulk strings come as UTF-8 bytes). */
  static String text(Object value) {
    return value instanceof byte[] b
        ? new String(b, StandardCharsets.UTF_8)
        : String.valueOf(value);
  }

  private static String sha1(String script) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(40);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }
}
