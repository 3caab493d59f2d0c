package dev.sente.core;

import java.util.Objects;
import java.util.Optional;

/**
 * An event: an id such as {@code chat/send} and optional data. On the wire it is the vector {@code
 * [id data]}, or {@code [id]} when there is no data.
 *
 * <p>An id is a namespaced name {@code ns/name}; the namespace {@code chsk} is reserved for the
 * protocol.
 *
 * @param id the event id, {@code ns/name}
 * @param data the data, or null for none
 */
public record Event(String id, Object data) {

  /** The reserved protocol namespace. */
  public static final String RESERVED_NAMESPACE = "chsk";

  public Event {
    Objects.requireNonNull(id, "id");
    if (!isValidId(id)) {
      throw new SenteException(
          "Event id must be a namespaced name like \"chat/send\", got \"" + id + "\"");
    }
  }

  /** An event with no data. */
  public static Event of(String id) {
    return new Event(id, null);
  }

  /** An event with data. */
  public static Event of(String id, Object data) {
    return new Event(id, data);
  }

  /** The data, if any. */
  public Optional<Object> optionalData() {
    return Optional.ofNullable(data);
  }

  /** True for ids in the reserved {@code chsk} namespace. */
  public boolean isReserved() {
    return isReservedId(id);
  }

  /** True when the id is a namespaced name: both parts non-empty, no whitespace. */
  public static boolean isValidId(String id) {
    if (id == null) {
      return false;
    }
    int slash = id.indexOf('/');
    if (slash <= 0 || slash == id.length() - 1) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isWhitespace(c) || c == ',' || c == '"') {
        return false;
      }
    }
    return true;
  }

  /** True for ids in the reserved {@code chsk} namespace. */
  public static boolean isReservedId(String id) {
    return id.startsWith(RESERVED_NAMESPACE + "/");
  }
}
