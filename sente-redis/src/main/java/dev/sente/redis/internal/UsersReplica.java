package dev.sente.redis.internal;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.Transport;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This node's copy of the cluster's connected users: the sets as a {@link RedisPresence.Snapshot}
 * read them, then each change heard on the bus applied in version order. A change that comes before
 * the copy has a snapshot, or after a gap in the versions (a message the bus lost), waits while the
 * sets are read again; the changes after the snapshot's version are then applied in order.
 * Thread-safe.
 */
public final class UsersReplica {

  /** A change applied, with the users before and after it; only for the node's own changes. */
  public record Applied(BusMessages.Presence change, ConnectedUsers before, ConnectedUsers after) {}

  /** What hearing a change did: the own changes applied, and whether to read a snapshot now. */
  public record Heard(List<Applied> applied, boolean readSnapshot) {}

  /** How many changes wait for a snapshot at most; beyond that the oldest are dropped. */
  static final int MAX_WAITING = 100_000;

  private final String self;
  private final Map<Transport, Set<String>> sets = new EnumMap<>(Transport.class);
  private final TreeMap<Long, BusMessages.Presence> waiting = new TreeMap<>();
  private long version = -1; // no snapshot yet
  private boolean reading;
  private ConnectedUsers view = ConnectedUsers.NONE;
  private boolean stale;

  /** A copy on the node {@code self}: its own changes are the ones reported. */
  public UsersReplica(String self) {
    this.self = self;
    for (Transport t : Transport.values()) {
      sets.put(t, new HashSet<>());
    }
  }

  /** The users now. */
  public synchronized ConnectedUsers users() {
    if (stale) {
      Set<String> any = new HashSet<>(sets.get(Transport.WEBSOCKET));
      any.addAll(sets.get(Transport.AJAX));
      view = new ConnectedUsers(sets.get(Transport.WEBSOCKET), sets.get(Transport.AJAX), any);
      stale = false;
    }
    return view;
  }

  /** A change heard on the bus. */
  public synchronized Heard hear(BusMessages.Presence change) {
    if (version >= 0 && !reading) {
      if (change.version() <= version) {
        return new Heard(List.of(), false); // read with the snapshot already
      }
      if (change.version() == version + 1) {
        List<Applied> applied = new ArrayList<>(1);
        apply(change, applied);
        return new Heard(applied, false);
      }
    }
    wait(change);
    boolean start = !reading;
    reading = true;
    return new Heard(List.of(), start);
  }

  /** Forget the version: the sets are read again before the next change is applied. */
  public synchronized boolean invalidate() {
    version = -1;
    boolean start = !reading;
    reading = true;
    return start;
  }

  /** Whether the sets need reading and no read is out. */
  public synchronized boolean wantsSnapshot() {
    return version < 0 && !reading;
  }

  /** A read of the sets failed: the next {@link #wantsSnapshot} says so. */
  public synchronized void snapshotFailed() {
    reading = false;
    version = -1;
  }

  /**
   * The sets as read; the waiting changes after its version are applied. Returns the own changes
   * applied, and whether to read again (a gap remains: a change was lost).
   */
  public synchronized Heard snapshot(RedisPresence.Snapshot snapshot) {
    for (Set<String> set : sets.values()) {
      set.clear();
    }
    for (String field : snapshot.fields()) {
      Transport t = field.charAt(0) == 'w' ? Transport.WEBSOCKET : Transport.AJAX;
      String user = field.substring(2);
      sets.get(t).add(user);
    }
    stale = true;
    version = snapshot.version();
    reading = false;
    waiting.headMap(version, true).clear();
    List<Applied> applied = new ArrayList<>();
    while (!waiting.isEmpty() && waiting.firstKey() == version + 1) {
      apply(waiting.pollFirstEntry().getValue(), applied);
    }
    if (waiting.isEmpty()) {
      return new Heard(applied, false);
    }
    waiting.clear(); // a gap: read again
    version = -1;
    reading = true;
    return new Heard(applied, true);
  }

  private void wait(BusMessages.Presence change) {
    waiting.put(change.version(), change);
    if (waiting.size() > MAX_WAITING) {
      waiting.pollFirstEntry();
    }
  }

  private void apply(BusMessages.Presence change, List<Applied> applied) {
    boolean own = self.equals(change.node());
    ConnectedUsers before = own ? users() : null;
    Transport t = "w".equals(change.transport()) ? Transport.WEBSOCKET : Transport.AJAX;
    String user = change.user();
    boolean opened =
        change.transition() == RedisPresence.Transition.OPENED
            || change.transition() == RedisPresence.Transition.TRANSPORT_OPENED;
    if (opened ? sets.get(t).add(user) : sets.get(t).remove(user)) {
      stale = true;
    }
    version = change.version();
    if (own) {
      applied.add(new Applied(change, before, users()));
    }
  }
}
