package dev.sente.server;

import dev.sente.core.Event;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * One event that reached the server, as a handler sees it: from a client, or a notification of the
 * engine's own ({@code chsk/uidport-open}, {@code chsk/uidport-close}, {@code chsk/ws-ping}, {@code
 * chsk/ws-pong}, {@code chsk/bad-event}).
 *
 * <p>A client cannot forge those: of the reserved {@code chsk} ids, a client's event arrives under
 * its own id only for the keep-alive {@code chsk/ws-ping} and {@code chsk/ws-pong}, and then
 * without data; any other reserved id from a client arrives as {@code chsk/bad-event} whose data is
 * the event as the client sent it ({@code ["chsk/uidport-open", "bob"]}, say).
 *
 * <pre>{@code
 * sente.on("chat/send", msg -> {
 *   ChatLine line = msg.data(ChatLine.class);
 *   msg.reply(store.save(line));
 * });
 * }</pre>
 */
public interface EventMessage {

  /** The event. */
  Event event();

  /** The event id, such as {@code chat/send}. */
  default String id() {
    return event().id();
  }

  /** The raw data as the packer read it (maps, lists, strings, numbers), or empty. */
  default Optional<Object> data() {
    return event().optionalData();
  }

  /** The data converted to a type by the packer (a record, a POJO); null when there is none. */
  <T> T data(Class<T> type);

  /** The data converted to a generic type by the packer; null when there is none. */
  <T> T data(Type type);

  /** The sender's user id; {@link SenteServer#ANONYMOUS_USER} for anonymous clients. */
  String userId();

  /**
   * The sender's client id (one browser tab, normally). Null only in a cluster, for a {@code
   * chsk/uidport-open} or {@code chsk/uidport-close} reported by a node that has no client of the
   * user (the user's last client was on a node that died, say).
   */
  String clientId();

  /**
   * The request behind the event: the POST, or the WebSocket's upgrade request. Null when {@link
   * #clientId()} is.
   */
  SenteRequest request();

  /** The transport the event came on. */
  Transport transport();

  /** True when the client asked for a reply (a callback id, or the Ajax marker). */
  boolean wantsReply();

  /**
   * Replies to the client. Only the first call sends; later calls, calls on an event that wants no
   * reply, and calls after the connection closed return false. Never blocks.
   */
  boolean reply(Object value);
}
