package dev.sente.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.redis.internal.RedisPresence.Transition;
import dev.sente.server.ConnectedUsers;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The node's copy of the cluster's connected users: changes in version order, gaps read again. */
class UsersReplicaTest {
  private static BusMessages.Presence change(
      String node, String transport, String user, Transition transition, long version) {
    return new BusMessages.Presence(node, transport, user, transition, version);
  }

  @Test
  void changesWaitForTheFirstSnapshotAndThoseAfterItsVersionAreApplied() {
    UsersReplica replica = new UsersReplica("me");
    UsersReplica.Heard first = replica.hear(change("me", "w", "alice", Transition.OPENED, 4));
    assertThat(first.readSnapshot()).as("no snapshot yet").isTrue();
    assertThat(replica.hear(change("x", "a", "bob", Transition.OPENED, 5)).readSnapshot())
        .as("one read at a time")
        .isFalse();

    UsersReplica.Heard read =
        replica.snapshot(new RedisPresence.Snapshot(4, List.of("w|alice", "w|carol")));
    assertThat(read.readSnapshot()).isFalse();
    assertThat(read.applied()).as("bob's is another node's change").isEmpty();
    assertThat(replica.users())
        .isEqualTo(
            new ConnectedUsers(
                Set.of("alice", "carol"), Set.of("bob"), Set.of("alice", "bob", "carol")));
  }

  @Test
  void ownChangesAreReportedWithTheUsersBeforeAndAfter() {
    UsersReplica replica = new UsersReplica("me");
    replica.invalidate();
    replica.snapshot(new RedisPresence.Snapshot(0, List.of()));
    UsersReplica.Heard heard = replica.hear(change("me", "a", "alice", Transition.OPENED, 1));
    assertThat(heard.applied()).hasSize(1);
    assertThat(heard.applied().get(0).before()).isEqualTo(ConnectedUsers.NONE);
    assertThat(heard.applied().get(0).after().ajax()).containsExactly("alice");

    assertThat(replica.hear(change("me", "a", "alice", Transition.OPENED, 1)).applied())
        .as("a repeat is ignored")
        .isEmpty();
    replica.hear(change("me", "w", "alice", Transition.TRANSPORT_OPENED, 2));
    replica.hear(change("other", "a", "alice", Transition.TRANSPORT_CLOSED, 3));
    assertThat(replica.users())
        .isEqualTo(new ConnectedUsers(Set.of("alice"), Set.of(), Set.of("alice")));
  }

  @Test
  void aGapInTheVersionsReadsTheSetsAgainAndLosesNothingHeardAfter() {
    UsersReplica replica = new UsersReplica("me");
    replica.invalidate();
    replica.snapshot(new RedisPresence.Snapshot(10, List.of("w|alice")));
    // version 11 was lost on the bus
    UsersReplica.Heard gap = replica.hear(change("me", "w", "bob", Transition.OPENED, 12));
    assertThat(gap.readSnapshot()).isTrue();
    assertThat(gap.applied()).isEmpty();
    replica.hear(change("me", "w", "alice", Transition.CLOSED, 13));

    UsersReplica.Heard read =
        replica.snapshot(new RedisPresence.Snapshot(12, List.of("w|alice", "w|bob", "a|dan")));
    assertThat(read.readSnapshot()).isFalse();
    assertThat(read.applied()).extracting(a -> a.change().version()).containsExactly(13L);
    assertThat(replica.users().webSocket()).containsExactly("bob");
    assertThat(replica.users().any()).containsExactlyInAnyOrder("bob", "dan");

    UsersReplica.Heard stillGap = replica.snapshot(new RedisPresence.Snapshot(20, List.of()));
    assertThat(stillGap.readSnapshot()).isFalse();
    replica.hear(change("x", "w", "eve", Transition.OPENED, 23));
    assertThat(replica.wantsSnapshot()).as("a read is out already").isFalse();
    assertThat(replica.snapshot(new RedisPresence.Snapshot(21, List.of())).readSnapshot())
        .as("22 is still missing: read again")
        .isTrue();
  }
}
