package dev.sente.client;

import dev.sente.core.Packer;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's reply to a {@link SenteClient#request request}: any value the server's handler
 * passed to {@code reply(..)}, as the packer read it, with conversion to the application's types.
 *
 * <pre>{@code
 * client.request("chat/save", line, Duration.ofSeconds(5))
 *     .thenApply(reply -> reply.as(SavedLine.class))
 *     .thenAccept(saved -> ui.show(saved));
 * }</pre>
 */
public final class Reply {

  private final Object value;
  private final Packer packer;

  private Reply(Object value, Packer packer) {
    this.value = value;
    this.packer = Objects.requireNonNull(packer, "packer");
  }

  /** A reply holding a value read by the packer (null for a null reply). */
  public static Reply of(Object value, Packer packer) {
    return new Reply(value, packer);
  }

  /** The value as the packer read it (maps, lists, strings, numbers), empty for a null reply. */
  public Optional<Object> value() {
    return Optional.ofNullable(value);
  }

  /**
   * The value converted to a type by the packer (a record, a POJO); null for a null reply. Throws
   * {@link dev.sente.core.PackException} when the value does not fit the type.
   */
  public <T> T as(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return value == null ? null : packer.convert(value, type);
  }

  /** The value converted to a generic type by the packer; see {@link #as(Class)}. */
  public <T> T as(Type type) {
    Objects.requireNonNull(type, "type");
    return value == null ? null : packer.convert(value, type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reply r && Objects.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return "Reply[" + dev.sente.core.Protocol.describe(value) + "]";
  }
}
