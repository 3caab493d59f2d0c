package dev.sente.client;

import dev.sente.core.Event;
import dev.sente.core.Packer;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;

/**
 * An event the client received, as its handlers see it: a server push, or one of Sente's
 * notifications ({@code chsk/handshake}, {@code chsk/ws-ping}, {@code chsk/bad-event}).
 *
 * <pre>{@code
 * client.on("chat/line", event -> ui.append(event.data(ChatLine.class)));
 * }</pre>
 */
public final class IncomingEvent {

  private final Event event;
  private final Packer packer;

  private IncomingEvent(Event event, Packer packer) {
    this.event = Objects.requireNonNull(event, "event");
    this.packer = Objects.requireNonNull(packer, "packer");
  }

  /** An event whose data was read by the given packer. */
  public static IncomingEvent of(Event event, Packer packer) {
    return new IncomingEvent(event, packer);
  }

  /** The event. */
  public Event event() {
    return event;
  }

  /** The event id, such as {@code chat/line}. */
  public String id() {
    return event.id();
  }

  /** The raw data as the packer read it (maps, lists, strings, numbers), or empty. */
  public Optional<Object> data() {
    return event.optionalData();
  }

  /**
   * The data converted to a type by the packer; null when there is none. Throws {@link
   * dev.sente.core.PackException} when it does not fit the type.
   */
  public <T> T data(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return event.data() == null ? null : packer.convert(event.data(), type);
  }

  /** The data converted to a generic type by the packer; null when there is none. */
  public <T> T data(Type type) {
    Objects.requireNonNull(type, "type");
    return event.data() == null ? null : packer.convert(event.data(), type);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IncomingEvent e && event.equals(e.event);
  }

  @Override
  public int hashCode() {
    return event.hashCode();
  }

  @Override
  public String toString() {
    return "IncomingEvent["
        + event.id()
        + " "
        + dev.sente.core.Protocol.describe(event.data())
        + "]";
  }
}
