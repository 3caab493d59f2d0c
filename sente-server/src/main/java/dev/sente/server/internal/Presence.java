package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Protocol;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.time.Scheduler;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.ConnectedUsersChange;
import dev.sente.server.SenteConfig;
import dev.sente.server.cluster.Cluster;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected, for both transports: the grace period of a client without a channel, the {@code
 * chsk/uidport-open} and {@code chsk/uidport-close} notifications and the connected-users
 * listeners, and the events kept for a client while it has no channel. Works on the {@link
 * Registry}'s state; the methods that say so must be called holding its lock, the others take it.
 */
final class Presence {
  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final Registry registry;
  private final SenteConfig config;
  private final Scheduler scheduler;
  private final Dispatcher dispatcher;
  private final Protocol protocol;
  private final List<Consumer<ConnectedUsersChange>> listeners = new CopyOnWriteArrayList<>();
  private final SerialExecutor listenerExecutor;
  private final Cluster cluster; // null for a single node

  /**
   * On a node of a cluster ({@code cluster} not null) the membership of the node's users goes to
   * the cluster (through the {@link Registry}'s hook), and the uidport events and the change
   * notifications come from the cluster's changes that this node made, {@link #clusterChanged}.
   */
  Presence(
      Registry registry,
      SenteConfig config,
      Scheduler scheduler,
      Dispatcher dispatcher,
      Protocol protocol,
      Executor executor,
      Cluster cluster) {
    this.registry = registry;
    this.cluster = cluster;
    this.config = config;
    this.scheduler = scheduler;
    this.dispatcher = dispatcher;
    this.protocol = protocol;
    this.listenerExecutor =
        new SerialExecutor(
            executor, (task, error) -> LOG.error("Uncaught failure in a Sente task", error));
  }

  /** Adds a connected-users listener; the handle removes it. */
  AutoCloseable listen(Consumer<ConnectedUsersChange> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Starts (or restarts) the entry's grace period; call holding the registry lock. */
  void armGrace(ClientEntry entry, long millis) {
    if (entry.graceTask == null) {
      entry.graceTask = () -> graceExpired(entry);
    }
    entry.grace.set(scheduler, millis, entry.graceTask);
  }

  private void graceExpired(ClientEntry entry) {
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      if (!entry.grace.fired(scheduler) || entry.socket != null || entry.poll != null) {
        return;
      }
      before = snapshotIfListened();
      change = registry.remove(entry);
      after = change == Registry.UserChange.NONE ? null : snapshotIfListened();
    }
    usersChanged(change, entry, before, after);
  }

  /**
   * The connected users, when anyone listens (null otherwise); call holding the registry lock, so
   * that a change's before and after snapshots are exact.
   */
  ConnectedUsers snapshotIfListened() {
    return listeners.isEmpty() || cluster != null ? null : registry.connectedUsers();
  }

  /**
   * Emits uidport events and change notifications for a membership change; call outside the
   * registry lock.
   */
  void usersChanged(
      Registry.UserChange change, ClientEntry entry, ConnectedUsers before, ConnectedUsers after) {
    if (change == Registry.UserChange.NONE || cluster != null) {
      return;
    }
    if (change == Registry.UserChange.CONNECTED || change == Registry.UserChange.DISCONNECTED) {
      String id =
          change == Registry.UserChange.CONNECTED
              ? Protocol.USER_CONNECTED
              : Protocol.USER_DISCONNECTED;
      dispatch(id, entry);
    }
    notifyListeners(before, after);
  }

  private void dispatch(String id, ClientEntry entry) {
    dispatcher.dispatch(
        entry.handlers,
        new Message(
            Event.of(id, entry.userId),
            entry.userId,
            entry.clientId,
            entry.request,
            entry.transport,
            protocol.packer(),
            null));
  }

  /**
   * A change to the cluster's connected users that this node made: the uidport event of a user's
   * first or last connection in the cluster, in the context of a client of the user here when there
   * is one (the user's last may have gone with a node that died: no client then), and the change
   * notifications.
   */
  void clusterChanged(Cluster.UsersChange change) {
    if (change.change() == Cluster.Change.OPENED || change.change() == Cluster.Change.CLOSED) {
      String id =
          change.change() == Cluster.Change.OPENED
              ? Protocol.USER_CONNECTED
              : Protocol.USER_DISCONNECTED;
      ClientEntry entry;
      synchronized (registry) {
        entry = registry.anyClientOf(change.user(), change.transport());
      }
      if (entry != null) {
        dispatch(id, entry);
      } else {
        dispatcher.dispatch(
            listenerExecutor,
            new Message(
                Event.of(id, change.user()),
                change.user(),
                null,
                null,
                change.transport(),
                protocol.packer(),
                null));
      }
    }
    notifyListeners(change.before(), change.after());
  }

  private void notifyListeners(ConnectedUsers before, ConnectedUsers after) {
    if (before != null && after != null && !listeners.isEmpty()) {
      ConnectedUsersChange event = new ConnectedUsersChange(before, after);
      for (Consumer<ConnectedUsersChange> listener : listeners) {
        listenerExecutor.execute(
            () -> {
              try {
                listener.accept(event);
              } catch (RuntimeException e) {
                config.errorHandler().onError(e, Optional.empty());
              }
            });
      }
    }
  }
}
