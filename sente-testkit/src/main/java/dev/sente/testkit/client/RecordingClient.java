package dev.sente.testkit.client;

import dev.sente.client.ClientState;
import dev.sente.client.IncomingEvent;
import dev.sente.client.Reply;
import dev.sente.client.SenteClient;
import dev.sente.client.SenteClientBuilder;
import dev.sente.core.Protocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A {@link SenteClient} whose received events and state changes are recorded in queues, with
 * assertions that wait (up to a timeout, never sleeping) for the next one, in the style of OkHttp's
 * recorder listeners. The recorder takes the client's catch-all ({@link SenteClient#onAny}); an
 * event with its own handler on the client is not recorded. Sente's {@code chsk/handshake} and
 * {@code chsk/ws-ping} notifications are left out (states tell the same, in order).
 *
 * <pre>{@code
 * try (RecordingClient alice = RecordingClient.build(SenteClient.builder(server.uri() + "chsk"))) {
 *   alice.connect();
 *   alice.assertState(ClientState.Connecting.class);
 *   alice.assertState(ClientState.Open.class);
 *   sente.send("alice", "chat/line", "hi");
 *   alice.assertEvent("chat/line", "hi");
 *   alice.assertExhausted();
 * }
 * }</pre>
 *
 * <p>Thread-safe; the assertion methods are meant for one test thread.
 */
public final class RecordingClient implements AutoCloseable {

  /** How long an assertion waits for the next event or state by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final SenteClient client;
  private final Duration timeout;
  private final BlockingQueue<IncomingEvent> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<ClientState> states = new LinkedBlockingQueue<>();
  private final List<ClientState> history = new java.util.concurrent.CopyOnWriteArrayList<>();

  private RecordingClient(SenteClient client, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    client.onAny(
        event -> {
          if (!event.id().equals(Protocol.HANDSHAKE) && !event.id().equals(Protocol.WS_PING)) {
            events.add(event);
          }
        });
    client.onState(
        state -> {
          history.add(state);
          states.add(state);
        });
  }

  /** Records a client (before it connects, so that nothing is missed). */
  public static RecordingClient record(SenteClient client) {
    return new RecordingClient(client, DEFAULT_TIMEOUT);
  }

  /** Records a client; assertions wait up to the timeout. */
  public static RecordingClient record(SenteClient client, Duration timeout) {
    return new RecordingClient(client, timeout);
  }

  /** Builds a client and records it. */
  public static RecordingClient build(SenteClientBuilder builder) {
    return record(builder.build());
  }

  /** The recorded client. */
  public SenteClient client() {
    return client;
  }

  /** Connects and waits for the handshake; fails when it does not come within the timeout. */
  public ClientState.Open connect() {
    try {
      ClientState.Open open =
          client.connect().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      // the future and the state listener run separately: wait until the Open state is recorded,
      // so that a clear() right after connect() forgets it
      org.awaitility.Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> history.stream().anyMatch(open::equals));
      return open;
    } catch (ExecutionException e) {
      throw new AssertionError("Connecting failed; state " + client.state(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("No handshake within " + timeout + "; state " + client.state());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }

  /** Sends a request and waits for its reply; fails when it fails or does not come in time. */
  public Reply request(String eventId, Object data) {
    try {
      return client
          .request(eventId, data, timeout)
          .toCompletableFuture()
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("Request " + eventId + " failed", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("No reply to " + eventId + " within " + timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }

  /** The next recorded event; fails when none comes within the timeout. */
  public IncomingEvent nextEvent() {
    return take(events, "event");
  }

  /** Asserts that the next event has the id; returns it. */
  public IncomingEvent assertEvent(String eventId) {
    IncomingEvent event = nextEvent();
    if (!event.id().equals(eventId)) {
      throw new AssertionError("Expected event " + eventId + " but got " + event);
    }
    return event;
  }

  /** Asserts that the next event has the id and the raw data (as the packer read it). */
  public IncomingEvent assertEvent(String eventId, Object data) {
    IncomingEvent event = assertEvent(eventId);
    Object actual = event.data().orElse(null);
    if (!Objects.equals(actual, data)) {
      throw new AssertionError("Expected " + eventId + " with data " + data + " but got " + actual);
    }
    return event;
  }

  /** Asserts that the next event has the id and data equal to the expected value once converted. */
  public <T> T assertEvent(String eventId, Class<T> type, T expected) {
    T actual = assertEvent(eventId).data(type);
    if (!Objects.equals(actual, expected)) {
      throw new AssertionError("Expected " + eventId + " with " + expected + " but got " + actual);
    }
    return actual;
  }

  /** The next recorded state change; fails when none comes within the timeout. */
  public ClientState nextState() {
    return take(states, "state change");
  }

  /** Asserts that the next state change is of the type; returns it. */
  public <S extends ClientState> S assertState(Class<S> type) {
    ClientState state = nextState();
    if (!type.isInstance(state)) {
      throw new AssertionError("Expected a " + type.getSimpleName() + " state but got " + state);
    }
    return type.cast(state);
  }

  /** Asserts that the next state change matches the predicate; returns it. */
  public ClientState assertState(Predicate<ClientState> predicate, String description) {
    ClientState state = nextState();
    if (!predicate.test(state)) {
      throw new AssertionError("Expected a state that " + description + " but got " + state);
    }
    return state;
  }

  /**
   * Skips state changes until one of the type comes, and returns it; fails when none comes within
   * the timeout. For sequences whose middle is not the point (retries, backoff).
   */
  public <S extends ClientState> S awaitState(Class<S> type) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ClientState> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      ClientState state = poll(states, left);
      if (state == null) {
        throw new AssertionError(
            "No " + type.getSimpleName() + " state within " + timeout + "; skipped " + skipped);
      }
      if (type.isInstance(state)) {
        return type.cast(state);
      }
      skipped.add(state);
    }
  }

  /** Asserts that nothing was recorded that no assertion has taken yet. */
  public void assertExhausted() {
    if (!events.isEmpty() || !states.isEmpty()) {
      throw new AssertionError("Unexpected: events " + events + ", states " + states);
    }
  }

  /** Forgets everything recorded so far. */
  public void clear() {
    events.clear();
    states.clear();
  }

  /** Closes the client. */
  @Override
  public void close() {
    client.close();
  }

  private <T> T take(BlockingQueue<T> queue, String what) {
    T next = poll(queue, timeout.toNanos());
    if (next == null) {
      throw new AssertionError("No " + what + " within " + timeout + "; state " + client.state());
    }
    return next;
  }

  private static <T> T poll(BlockingQueue<T> queue, long nanos) {
    try {
      return queue.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted", e);
    }
  }
}
