package dev.sente.server.cluster;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.Transport;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the nodes of a cluster share, for {@code SenteServer.builder().cluster(..)}: a log of each
 * user's events, numbered the same way on every node, a bus that tells every node of each append,
 * and the connected users of every node. Without one a server is a single node and pays nothing for
 * this. {@code dev.sente.redis.RedisCluster} is the implementation on Redis; this interface is what
 * another store would implement.
 *
 * <h2>The contract</h2>
 *
 * <ul>
 *   <li><b>One log per user</b>, with an epoch drawn when it is created and events numbered 1, 2,
 *       ... in it, consecutive under appends from any number of nodes at once, kept for the window
 *       given at {@link #start} (age, and bytes per user: the oldest go first, the newest stays).
 *       The same rules as a node's own delivery log.
 *   <li><b>Every append is heard</b> by every node started on the cluster, this one included,
 *       through {@link Listener#appended}, in the order of the numbers for each user, while the
 *       node's bus is up. Hearing is at most once: while the bus is down a node may miss appends;
 *       {@link Listener#up()} tells it to catch up, which it does with {@link #read}.
 *   <li><b>Connected users</b>: each node says which users it has on which transport ({@link
 *       #join}, {@link #leave}); the cluster counts them over the nodes, reports each change to its
 *       users on the node that made it ({@link Listener#usersChanged}), and takes the users of a
 *       node that died out within a time it documents.
 *   <li><b>Never blocks and never throws</b> for trouble with the store: the stages complete
 *       exceptionally instead, and the node goes on serving its own clients.
 * </ul>
 *
 * <p>Events travel as bytes: the node packs each event with its packer ({@code [id data]}) and
 * unpacks it again on the nodes that have clients of the user; every node of a cluster must use the
 * same packer.
 */
public interface Cluster extends AutoCloseable {

  /**
   * What the engine tells the cluster when it starts.
   *
   * @param maxAgeMillis how long an event is kept
   * @param maxUserBytes bytes of events kept per user (the newest is always kept)
   * @param maxMessageBytes the server's message size limit: a larger append is refused
   */
  record Settings(long maxAgeMillis, long maxUserBytes, long maxMessageBytes) {}

  /** How the node hears the cluster; called on the cluster's threads, it must not block. */
  interface Listener {
    /**
     * Events were appended to the user's log, by any node: {@code events} are numbered from {@code
     * firstSeq} in {@code epoch}.
     */
    void appended(String user, String epoch, long firstSeq, List<byte[]> events);

    /**
     * Numbers up to {@code lastSeq} were skipped in the user's log ({@link Cluster#skip}): a node
     * whose copy is behind reads the log, and its clients are told of a gap.
     */
    void skipped(String user, String epoch, long lastSeq);

    /**
     * Another node's {@link Cluster#disconnect}: close every connection of the user on this node.
     */
    void disconnect(String user);

    /** The bus went down: appends may be missed until {@link #up()}. */
    void down();

    /** The bus is up (again): appends are heard from now on; catch up on what was missed. */
    void up();

    /**
     * The cluster's connected users changed, and this node made the change (its {@link #join} or
     * {@link #leave}, or its sweep of a node that died): each change is reported on one node only,
     * once, so that {@code chsk/uidport-open} and {@code chsk/uidport-close} fire once per cluster.
     */
    void usersChanged(UsersChange change);
  }

  /** What a change did to the cluster's connected users. */
  enum Change {
    /** The user's first connection anywhere in the cluster. */
    OPENED,
    /** The user's first on this transport; the user was connected already on the other. */
    TRANSPORT_OPENED,
    /** The user's last on this transport; the user is still connected on the other. */
    TRANSPORT_CLOSED,
    /** The user's last connection anywhere in the cluster went. */
    CLOSED
  }

  /**
   * A change to the cluster's connected users, with the users before and after it (as this node
   * knows them: the changes in the order the store made them).
   */
  record UsersChange(
      String user,
      Transport transport,
      Change change,
      ConnectedUsers before,
      ConnectedUsers after) {}

  /** Where an append put its events: the user's epoch and the number of the last one. */
  record Appended(String epoch, long lastSeq) {}

  /** What a read after a cursor found. */
  sealed interface Read permits Unknown, UpToDate, Batch {}

  /**
   * The cursor cannot be placed: another epoch, a number after the log's last, a negative one, or
   * no log for the user at all ({@code epoch} null then).
   */
  record Unknown(String epoch, long lastSeq) implements Read {}

  /** Nothing after the cursor: {@code lastSeq} is the log's last number. */
  record UpToDate(String epoch, long lastSeq) implements Read {}

  /**
   * Events after the cursor, in order, the last numbered {@code lastSeq}; {@code missed} events
   * before them had left the window (0: they follow the cursor). May be empty when only a gap
   * follows the cursor.
   */
  record Batch(String epoch, long lastSeq, long missed, List<byte[]> events) implements Read {}

  /**
   * Starts this node's part: from now on every append is heard by {@code listener}. Called once, by
   * the engine, when the server is built; may throw when the store cannot be reached at all.
   */
  void start(Settings settings, Listener listener);

  /** Appends the events (at least one) to the user's log, numbered after its last. */
  CompletionStage<Appended> append(String user, List<byte[]> events);

  /**
   * Numbers {@code count} events in the user's log without keeping them: events that reached this
   * node's clients only, while the log was away from it. Every reader whose cursor is before them
   * is told of a gap (of unknown size); every node hears it ({@link Listener#skipped}). Nothing for
   * a user without a log.
   */
  CompletionStage<Appended> skip(String user, long count);

  /**
   * Reads the user's log after the cursor {@code (epoch, afterSeq)} ({@code epoch} null: none): at
   * most {@code maxBytes} of events, at least one.
   */
  CompletionStage<Read> read(String user, String epoch, long afterSeq, long maxBytes);

  /**
   * Tells every other node to close the user's connections (the server's {@code disconnect(user)}
   * closes those on its own node itself); at most once, like the bus.
   */
  CompletionStage<Boolean> disconnect(String user);

  /**
   * Claims a client's numbered event ({@code seq} in the client's {@code epoch}) for the cluster:
   * true the first time, on whichever node; false for a repeat (a POST sent again, to any node),
   * which the node drops. Kept for the window given at {@link #start} after the client's last
   * claim.
   */
  CompletionStage<Boolean> claim(String user, String client, String epoch, long seq);

  /**
   * This node has the user connected on the transport now (its first client of the user there).
   * Never blocks; the cluster keeps the node's memberships and gives them to the store again after
   * trouble, so a join or leave lost to an outage is made good when the store is back.
   */
  void join(String user, Transport transport);

  /** This node has no client of the user on the transport any more; like {@link #join}. */
  void leave(String user, Transport transport);

  /**
   * The cluster's connected users, as this node knows them now (without blocking: a copy kept up to
   * date by the bus; while the bus is down, as it was when it went down).
   */
  ConnectedUsers connectedUsers();

  /** Whether the bus is up now: appends are heard. */
  boolean isUp();

  /** Leaves the cluster and closes the connections; called by the server's close. */
  @Override
  void close();
}
