package dev.sente.server;

import java.util.Objects;
import java.util.Set;

/**
 * The connected user ids at one moment, per transport. A user counts as connected from its first
 * WebSocket or first long-poll until its last connection has been gone for the reconnect grace
 * period, so a page reload is invisible. Anonymous clients appear as {@link
 * SenteServer#ANONYMOUS_USER}.
 *
 * @param webSocket users with at least one WebSocket
 * @param ajax users with at least one Ajax (long-polling) client
 * @param any users connected on either transport
 */
public record ConnectedUsers(Set<String> webSocket, Set<String> ajax, Set<String> any) {

  /** No one. */
  public static final ConnectedUsers NONE = new ConnectedUsers(Set.of(), Set.of(), Set.of());

  public ConnectedUsers {
    webSocket = Set.copyOf(Objects.requireNonNull(webSocket, "webSocket"));
    ajax = Set.copyOf(Objects.requireNonNull(ajax, "ajax"));
    any = Set.copyOf(Objects.requireNonNull(any, "any"));
  }

  /** The users on one transport. */
  public Set<String> on(Transport transport) {
    return transport == Transport.WEBSOCKET ? webSocket : ajax;
  }
}
