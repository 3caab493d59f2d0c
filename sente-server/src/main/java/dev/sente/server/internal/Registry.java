package dev.sente.server.internal;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.Transport;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The clients per transport and user, and the connected users derived from them. Not thread-safe by
 * itself: the engine calls it holding the registry's monitor ({@code synchronized (registry)}),
 * which also guards every {@link ClientEntry}.
 */
final class Registry {

  /** What a membership change did to a user on the "any" level. */
  enum UserChange {
    NONE,
    CONNECTED,
    DISCONNECTED,
    /** Transport-level membership changed, "any" did not. */
    TRANSPORT_ONLY
  }

  private final Map<Transport, Map<String, Map<String, ClientEntry>>> clients =
      new EnumMap<>(Transport.class);
  private final Map<Transport, Map<String, Integer>> connectedCounts =
      new EnumMap<>(Transport.class);
  private volatile ConnectedUsers snapshot = ConnectedUsers.NONE;
  private boolean snapshotStale;

  /**
   * Told, under the registry's lock, when a user's count on a transport goes 0 to 1 ({@code
   * joined}) or 1 to 0: a cluster's membership, kept in the order the changes were made here.
   */
  interface Membership {
    void changed(String userId, Transport transport, boolean joined);
  }

  private final Membership membership;

  Registry() {
    this(null);
  }

  Registry(Membership membership) {
    this.membership = membership;
    for (Transport t : Transport.values()) {
      clients.put(t, new HashMap<>());
      connectedCounts.put(t, new HashMap<>());
    }
  }

  ClientEntry find(Transport transport, String userId, String clientId) {
    Map<String, ClientEntry> byClient = clients.get(transport).get(userId);
    return byClient == null ? null : byClient.get(clientId);
  }

  ClientEntry findOrCreate(
      Transport transport, String userId, String clientId, Supplier<ClientEntry> create) {
    return clients
        .get(transport)
        .computeIfAbsent(userId, u -> new HashMap<>())
        .computeIfAbsent(clientId, c -> create.get());
  }

  /** Every client of a user on a transport (a copy). */
  List<ClientEntry> clientsOf(Transport transport, String userId) {
    return new ArrayList<>(clientsView(transport, userId));
  }

  /**
   * Runs an action on every client of a user on a transport, outside this registry's lock (the
   * action may call the adapter); returns how many times it returned true.
   */
  int forEachClient(Transport transport, String userId, Predicate<ClientEntry> action) {
    List<ClientEntry> entries;
    synchronized (this) {
      entries = clientsOf(transport, userId);
    }
    int count = 0;
    for (ClientEntry entry : entries) {
      if (action.test(entry)) {
        count++;
      }
    }
    return count;
  }

  /** Every client of a user on a transport: a live view, to read holding the lock only. */
  Collection<ClientEntry> clientsView(Transport transport, String userId) {
    Map<String, ClientEntry> byClient = clients.get(transport).get(userId);
    return byClient == null ? List.of() : byClient.values();
  }

  /** A client of the user, on the transport if it has one there, else on the other; or null. */
  ClientEntry anyClientOf(String userId, Transport transport) {
    for (Transport t : new Transport[] {transport, other(transport)}) {
      Map<String, ClientEntry> byClient = clients.get(t).get(userId);
      if (byClient != null && !byClient.isEmpty()) {
        return byClient.values().iterator().next();
      }
    }
    return null;
  }

  private static Transport other(Transport transport) {
    return transport == Transport.WEBSOCKET ? Transport.AJAX : Transport.WEBSOCKET;
  }

  boolean hasClients(Transport transport, String userId) {
    return clients.get(transport).containsKey(userId);
  }

  /** Every client on every transport (a copy). */
  List<ClientEntry> all() {
    List<ClientEntry> out = new ArrayList<>();
    for (Map<String, Map<String, ClientEntry>> byUser : clients.values()) {
      for (Map<String, ClientEntry> byClient : byUser.values()) {
        out.addAll(byClient.values());
      }
    }
    return out;
  }

  /** Counts the entry as connected; reports whether its user just connected. */
  UserChange markConnected(ClientEntry entry) {
    if (entry.connected) {
      return UserChange.NONE;
    }
    entry.connected = true;
    boolean wasAny = isConnected(entry.userId);
    int count = connectedCounts.get(entry.transport).merge(entry.userId, 1, Integer::sum);
    if (count > 1) {
      return UserChange.NONE;
    }
    snapshotStale = true;
    if (membership != null) {
      membership.changed(entry.userId, entry.transport, true);
    }
    return wasAny ? UserChange.TRANSPORT_ONLY : UserChange.CONNECTED;
  }

  /** Removes the entry; reports whether its user just disconnected. */
  UserChange remove(ClientEntry entry) {
    Map<String, ClientEntry> byClient = clients.get(entry.transport).get(entry.userId);
    if (byClient == null || byClient.get(entry.clientId) != entry) {
      return UserChange.NONE;
    }
    byClient.remove(entry.clientId);
    if (byClient.isEmpty()) {
      clients.get(entry.transport).remove(entry.userId);
    }
    entry.cancelTimers();
    entry.closeCursor(); // the log's lock only, no I/O
    if (!entry.connected) {
      return UserChange.NONE;
    }
    entry.connected = false;
    Map<String, Integer> counts = connectedCounts.get(entry.transport);
    int left = counts.merge(entry.userId, -1, Integer::sum);
    if (left > 0) {
      return UserChange.NONE;
    }
    counts.remove(entry.userId);
    snapshotStale = true;
    if (membership != null) {
      membership.changed(entry.userId, entry.transport, false);
    }
    return isConnected(entry.userId) ? UserChange.TRANSPORT_ONLY : UserChange.DISCONNECTED;
  }

  boolean isConnected(String userId) {
    for (Map<String, Integer> counts : connectedCounts.values()) {
      if (counts.containsKey(userId)) {
        return true;
      }
    }
    return false;
  }

  /** The connected users; rebuilt only after a change. */
  ConnectedUsers connectedUsers() {
    if (snapshotStale) {
      Map<String, Integer> ws = connectedCounts.get(Transport.WEBSOCKET);
      Map<String, Integer> ajax = connectedCounts.get(Transport.AJAX);
      java.util.Set<String> any = new java.util.HashSet<>(ws.keySet());
      any.addAll(ajax.keySet());
      snapshot = new ConnectedUsers(ws.keySet(), ajax.keySet(), any);
      snapshotStale = false;
    }
    return snapshot;
  }
}
