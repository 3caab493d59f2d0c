package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
import dev.sente.core.Protocol;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Scheduler;
import dev.sente.server.cluster.Cluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part of a {@link Cluster}: the node's {@link DeliveryLog} becomes a copy of the shared
 * log for the users who have clients here.
 *
 * <ul>
 *   <li><b>Out</b>: {@link #append} sends a user's batch to the shared log (which numbers it and
 *       tells every node); nothing is appended locally until it comes back through the bus, so
 *       every node numbers every event the same.
 *   <li><b>In</b>: {@link #appended} appends what the bus says to the local stream of the user,
 *       when this node has one; a hole (the bus was down, or the stream was made while an append
 *       was in flight) or another epoch makes the node read the shared log after its last event
 *       ({@link #catchUp}).
 *   <li><b>Open</b>: before a client's cursor opens, {@link #pin} makes the local stream agree with
 *       the shared log at the client's position (the events the client missed, read from the shared
 *       log when this node does not have them) and holds it with a cursor of its own until the
 *       client's cursor is open.
 * </ul>
 *
 * The local log applies numbered events only when they follow its last one, and skips those it has:
 * the bus, the catch-up reads and the pins may deliver the same events in any order, and each lands
 * once, in order.
 */
final class ClusterFeed implements Cluster.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFeed.class);

  /** How long a handshake waits for the shared log before opening on what this node has. */
  static final long PIN_TIMEOUT_MILLIS = 2_000;

  private final Cluster cluster;
  private final DeliveryLog log;
  private final SharedCopy copy;
  private final EventBytes bytes;
  private final long maxMessageBytes;
  private final long readBytes;
  private final Set<String> catchingUp = ConcurrentHashMap.newKeySet();
  private final Set<String> catchUpAgain = ConcurrentHashMap.newKeySet();
  private final LogLimiter failures =
      new LogLimiter(10, LogLimiter.DEFAULT_INTERVAL_MILLIS, System::currentTimeMillis);
  private final Consumer<String> disconnectHere;

  private final Consumer<Cluster.UsersChange> usersChanged;

  /**
   * Per user, the events that reached this node's clients only (the shared log did not take them),
   * to number as skipped in the shared log once it takes commands again, so that the user's clients
   * on other nodes are told of a gap.
   */
  private final Map<String, Long> owed = new ConcurrentHashMap<>();

  private final Scheduler scheduler;
  private final java.util.concurrent.atomic.AtomicBoolean settleLater =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** How long after a failed skip the owed users are tried again. */
  static final long SETTLE_RETRY_MILLIS = 1_000;

  ClusterFeed(
      Cluster cluster,
      DeliveryLog log,
      Protocol protocol,
      long maxMessageBytes,
      long readBytes,
      Consumer<String> disconnectHere,
      Consumer<Cluster.UsersChange> usersChanged,
      Scheduler scheduler) {
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.disconnectHere = disconnectHere;
    this.usersChanged = usersChanged;
    this.copy = new SharedCopy(log);
    this.bytes = new EventBytes(protocol);
    this.log = log;
    this.maxMessageBytes = maxMessageBytes;
    this.readBytes = readBytes;
  }

  // ---- out

  /**
   * Sends the user's batch to the shared log, in appends of at most {@code maxMessageBytes} each
   * (in order: one node's appends of one user are numbered in the order they are made). An event
   * packed larger than that alone is not sent (the error handler hears it). An append that fails
   * (the shared log is away) reaches this node's clients only ({@link SharedCopy#appendLocal}).
   */
  void append(String user, List<Event> events, Consumer<Exception> onTooLarge) {
    List<Event> chunk = new ArrayList<>();
    List<byte[]> packedChunk = new ArrayList<>();
    long chunkBytes = 0;
    for (Event event : events) {
      byte[] packed = bytes.pack(event);
      if (packed.length > maxMessageBytes) {
        onTooLarge.accept(
            new IllegalArgumentException(
                "an event of "
                    + packed.length
                    + " bytes is over maxMessageBytes "
                    + maxMessageBytes
                    + ": "
                    + event.id()
                    + " to user "
                    + safe(user)
                    + " was not sent"));
        continue;
      }
      if (chunkBytes + packed.length > maxMessageBytes && !chunk.isEmpty()) {
        send(user, chunk, packedChunk);
        chunk = new ArrayList<>();
        packedChunk = new ArrayList<>();
        chunkBytes = 0;
      }
      chunk.add(event);
      packedChunk.add(packed);
      chunkBytes += packed.length;
    }
    if (!chunk.isEmpty()) {
      send(user, chunk, packedChunk);
    }
  }

  private void send(String user, List<Event> events, List<byte[]> packed) {
    call(() -> cluster.append(user, packed))
        .whenComplete(
            (appended, error) -> {
              if (error != null) {
                if (failures.acquire() >= 0) {
                  LOG.warn(
                      "{} events to user {} reach this node's clients only: the cluster's shared log"
                          + " did not take them ({})",
                      events.size(),
                      safe(user),
                      error.toString());
                }
                // this node's clients of the user get them all the same, in an epoch of the node's
                // own (SharedCopy.appendLocal); other nodes' do not, and are told when the log is
                // back
                copy.appendLocal(user, events, EventBytes.sizes(packed));
                owed.merge(user, (long) events.size(), Long::sum);
              } else {
                settle(user);
              }
            });
  }

  /**
   * A call of the cluster as a future: one that throws instead of completing exceptionally (the
   * contract says it should not) fails the future all the same.
   */
  static <T> CompletableFuture<T> call(Supplier<CompletionStage<T>> call) {
    try {
      return call.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void settleAll() {
    for (String user : List.copyOf(owed.keySet())) {
      settle(user);
    }
  }

  /** Numbers what the user is owed as skipped in the shared log; kept for later if that fails. */
  private void settle(String user) {
    Long count = owed.remove(user);
    if (count == null) {
      return;
    }
    call(() -> cluster.skip(user, count))
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                owed.merge(user, count, Long::sum);
                // the bus may be back before the commands are: try again in a while, once for all
                if (settleLater.compareAndSet(false, true)) {
                  scheduler.schedule(
                      SETTLE_RETRY_MILLIS,
                      () -> {
                        settleLater.set(false);
                        settleAll();
                      });
                }
              }
            });
  }

  private EventBytes.Decoded decode(String user, List<byte[]> events) {
    try {
      return bytes.decode(events);
    } catch (RuntimeException e) {
      if (failures.acquire() >= 0) {
        LOG.error("Events to user {} from the cluster do not unpack", safe(user), e);
      }
      return null;
    }
  }

  // ---- in

  @Override
  public void appended(String user, String epoch, long firstSeq, List<byte[]> events) {
    if (!log.hasStream(user)) {
      return; // nobody reads it here; a client that comes reads the shared log first (pin)
    }
    EventBytes.Decoded decoded = decode(user, events);
    if (decoded == null) {
      return;
    }
    SharedCopy.Numbered done =
        copy.appendNumbered(user, epoch, firstSeq, decoded.events(), decoded.sizes());
    if (done == SharedCopy.Numbered.OTHER_EPOCH && copy.hasLocalEpoch(user)) {
      // the shared log is back: what was pushed elsewhere meanwhile is a gap, reported
      copy.syncShared(user, epoch, firstSeq, decoded.events(), decoded.sizes());
    } else if (done == SharedCopy.Numbered.HOLE || done == SharedCopy.Numbered.OTHER_EPOCH) {
      catchUp(user);
    }
  }

  /** Asks the other nodes to close the user's connections; this node closes its own. */
  void disconnectElsewhere(String user) {
    call(() -> cluster.disconnect(user))
        .whenComplete(
            (ok, error) -> {
              if ((error != null || !Boolean.TRUE.equals(ok)) && failures.acquire() >= 0) {
                LOG.warn(
                    "disconnect({}) reached this node only: the cluster's bus did not take it{}",
                    safe(user),
                    error == null ? "" : " (" + error + ")");
              }
            });
  }

  @Override
  public void skipped(String user, String epoch, long lastSeq) {
    if (log.hasStream(user) && (!epoch.equals(log.epoch(user)) || log.lastSeq(user) < lastSeq)) {
      catchUp(user); // the read says a gap, which the user's cursors here report
    }
  }

  @Override
  public void disconnect(String user) {
    disconnectHere.accept(user);
  }

  @Override
  public void usersChanged(Cluster.UsersChange change) {
    usersChanged.accept(change);
  }

  @Override
  public void down() {
    LOG.warn(
        "The cluster's bus is down: this node serves its own clients; events from other nodes"
            + " wait until it is back");
  }

  @Override
  public void up() {
    settleAll();
    List<String> users = log.users();
    if (!users.isEmpty()) {
      LOG.info("The cluster's bus is up: catching up {} users", users.size());
    }
    for (String user : users) {
      catchUp(user);
    }
  }

  /**
   * Reads the shared log after the user's local stream until it is up to date, asynchronously; one
   * catch-up per user at a time (a request while one runs makes it go round once more).
   */
  void catchUp(String user) {
    if (!catchingUp.add(user)) {
      catchUpAgain.add(user);
      return;
    }
    step(user, null);
  }

  private void step(String user, String otherEpoch) {
    String epoch = otherEpoch != null ? otherEpoch : log.epoch(user);
    if (epoch == null) {
      caughtUp(user);
      return;
    }
    long after = otherEpoch != null ? 0 : log.lastSeq(user);
    call(() -> cluster.read(user, epoch, after, readBytes))
        .whenComplete(
            (r, error) -> {
              try {
                if (error != null) {
                  if (failures.acquire() >= 0) {
                    LOG.warn("Catching up user {} failed: {}", safe(user), error.toString());
                  }
                  caughtUp(user); // the next hole, or the bus coming back, tries again
                } else if (r instanceof Cluster.Unknown unknown
                    && unknown.epoch() != null
                    && !unknown.epoch().equals(epoch)) {
                  if (otherEpoch == null && copy.hasLocalEpoch(user)) {
                    // back from this node's own epoch: at the shared log's end (the rest is a gap)
                    copy.syncShared(
                        user, unknown.epoch(), unknown.lastSeq() + 1, List.of(), new int[0]);
                    caughtUp(user);
                  } else {
                    step(user, unknown.epoch()); // the shared log started again: read it from 0
                  }
                } else if (r instanceof Cluster.Batch batch
                    && apply(user, batch, otherEpoch != null)) {
                  step(user, null);
                } else if (r instanceof Cluster.UpToDate up && otherEpoch != null) {
                  copy.syncShared(user, up.epoch(), up.lastSeq() + 1, List.of(), new int[0]);
                  caughtUp(user);
                } else {
                  caughtUp(user);
                }
              } catch (RuntimeException e) {
                LOG.error("Catching up user {} failed", safe(user), e);
                caughtUp(user);
              }
            });
  }

  /** Applies a batch read from the shared log; true when there may be more to read. */
  private boolean apply(String user, Cluster.Batch batch, boolean restart) {
    EventBytes.Decoded decoded = decode(user, batch.events());
    if (decoded == null) {
      return false;
    }
    long first = batch.lastSeq() - batch.events().size() + 1;
    if (restart || batch.missed() > 0) {
      return copy.syncShared(user, batch.epoch(), first, decoded.events(), decoded.sizes());
    }
    SharedCopy.Numbered done =
        copy.appendNumbered(user, batch.epoch(), first, decoded.events(), decoded.sizes());
    return done == SharedCopy.Numbered.APPENDED;
  }

  private void caughtUp(String user) {
    catchingUp.remove(user);
    if (catchUpAgain.remove(user)) {
      catchUp(user);
    }
  }

  // ---- open

  /**
   * Before a client's cursor opens: brings the user's local stream to the shared log at the
   * client's position ({@code epoch} null: a fresh start) and holds it open with a cursor of its
   * own, which the caller closes once the client's cursor is open. Waits for the shared log at most
   * {@value #PIN_TIMEOUT_MILLIS} ms; without an answer the stream is opened on what this node has
   * (a stream made so has an epoch of its own, which the next append from the cluster replaces,
   * reporting a gap).
   */
  Cursor pin(String user, String epoch, long seq, boolean retain) {
    String local = log.epoch(user);
    boolean covered =
        local != null && (epoch == null || !epoch.equals(local) || seq >= log.firstSeq(user) - 1);
    if (covered) {
      return log.open(user, null, retain); // the bus keeps it current
    }
    String readEpoch = local != null ? local : epoch;
    long after = local != null || epoch != null ? Math.max(0, seq) : 0;
    try {
      Cursor pin = openRead(user, readEpoch, after, retain);
      // an append heard while the read was out found no stream here and was dropped: read again
      catchUp(user);
      return pin;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (failures.acquire() >= 0) {
        LOG.warn(
            "Opening user {} on this node's log only: the cluster's shared log did not answer ({})",
            safe(user),
            e.toString());
      }
      return log.open(user, null, retain);
    }
  }

  private Cursor openRead(String user, String epoch, long after, boolean retain) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PIN_TIMEOUT_MILLIS);
    List<Event> events = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String at = epoch;
    long first = -1;
    long cursor = after;
    for (int reads = 0; reads < 64; reads++) {
      long left = Math.max(1, deadline - System.nanoTime());
      Cluster.Read read =
          cluster
              .read(user, at, cursor, readBytes)
              .toCompletableFuture()
              .get(left, TimeUnit.NANOSECONDS);
      if (read instanceof Cluster.Unknown unknown) {
        if (unknown.epoch() == null) {
          throw new IllegalStateException("the shared log has no epoch for the user");
        }
        if (!events.isEmpty() || unknown.epoch().equals(at)) {
          first = first < 0 ? unknown.lastSeq() + 1 : first; // a client from the future: at its end
          break;
        }
        at = unknown.epoch(); // another epoch than the client's: its client starts fresh
        first = unknown.lastSeq() + 1;
        break;
      }
      if (read instanceof Cluster.UpToDate up) {
        at = up.epoch();
        first = first < 0 ? up.lastSeq() + 1 : first;
        break;
      }
      Cluster.Batch batch = (Cluster.Batch) read;
      at = batch.epoch();
      EventBytes.Decoded decoded = decode(user, batch.events());
      if (decoded == null) {
        throw new IllegalStateException("events from the cluster do not unpack");
      }
      long batchFirst = batch.lastSeq() - batch.events().size() + 1;
      if (first < 0) {
        first = batchFirst;
      }
      events.addAll(decoded.events());
      for (int size : decoded.sizes()) {
        sizes.add(size);
      }
      cursor = batch.lastSeq();
      if (batch.events().isEmpty()) {
        break;
      }
    }
    int[] sizeArray = new int[sizes.size()];
    for (int i = 0; i < sizeArray.length; i++) {
      sizeArray[i] = sizes.get(i);
    }
    return copy.openShared(user, at, first, events, sizeArray, null, retain);
  }
}
