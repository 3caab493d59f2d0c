package dev.sente.server;

import java.util.HashSet;
import java.util.Set;

/**
 * A change of the connected users: the snapshot before and after.
 *
 * @param before the users before the change
 * @param after the users after the change
 */
public record ConnectedUsersChange(ConnectedUsers before, ConnectedUsers after) {

  /** Users now connected on any transport who were not before. */
  public Set<String> connected() {
    Set<String> out = new HashSet<>(after.any());
    out.removeAll(before.any());
    return Set.copyOf(out);
  }

  /** Users no longer connected on any transport. */
  public Set<String> disconnected() {
    Set<String> out = new HashSet<>(before.any());
    out.removeAll(after.any());
    return Set.copyOf(out);
  }
}
