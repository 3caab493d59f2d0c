package dev.sente.testkit.conformance;

import dev.sente.server.EventHandler;
import dev.sente.server.EventMessage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An {@link EventHandler} that records every event it is given, for assertions: register it as the
 * catch-all ({@code sente.onAny(recorder)}) to see the engine's notifications ({@code
 * chsk/uidport-open}, {@code chsk/uidport-close}, {@code chsk/ws-ping}, {@code chsk/ws-pong},
 * {@code chsk/bad-event}) and every event without a handler of its own.
 *
 * <pre>{@code
 * EventRecorder events = new EventRecorder();
 * sente.onAny(events);
 * EventMessage open = events.await("chsk/uidport-open", "alice");
 * assertThat(events.count("chsk/uidport-close", "alice")).isZero();
 * }</pre>
 */
public final class EventRecorder implements EventHandler {

  /** How long {@link #await} waits. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final List<EventMessage> received = new CopyOnWriteArrayList<>();

  @Override
  public void handle(EventMessage message) {
    received.add(message);
  }

  /** Every event recorded so far, in the order the handler got them. */
  public List<EventMessage> all() {
    return List.copyOf(received);
  }

  /** The recorded events of one id. */
  public List<EventMessage> all(String id) {
    return received.stream().filter(m -> m.id().equals(id)).toList();
  }

  /** How many events of this id carried exactly this data (null: no data). */
  public long count(String id, Object data) {
    return received.stream().filter(m -> matches(m, id, data)).count();
  }

  /** How many events of this id were recorded. */
  public long count(String id) {
    return all(id).size();
  }

  /** Waits for the first event of an id and returns it. */
  public EventMessage await(String id) {
    return awaitFirst(id, null, false);
  }

  /** Waits for the first event of an id with exactly this data (null: no data) and returns it. */
  public EventMessage await(String id, Object data) {
    return awaitFirst(id, data, true);
  }

  private EventMessage awaitFirst(String id, Object data, boolean matchData) {
    Objects.requireNonNull(id, "id");
    AtomicReference<EventMessage> found = new AtomicReference<>();
    try {
      Awaitility.await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> {
                for (EventMessage m : received) {
                  if (matchData ? matches(m, id, data) : m.id().equals(id)) {
                    found.set(m);
                    return true;
                  }
                }
                return false;
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "No event "
              + id
              + (matchData ? " with data " + data : "")
              + " within "
              + WAIT
              + "; recorded: "
              + describe());
    }
    return found.get();
  }

  /** The recorded events as {@code id data} lines, for failure messages. */
  public String describe() {
    StringBuilder out = new StringBuilder("[");
    for (EventMessage m : received) {
      if (out.length() > 1) {
        out.append(", ");
      }
      out.append(m.id()).append(' ').append(m.data().orElse(null));
    }
    return out.append(']').toString();
  }

  private static boolean matches(EventMessage m, String id, Object data) {
    return m.id().equals(id) && Objects.equals(m.data().orElse(null), data);
  }
}
