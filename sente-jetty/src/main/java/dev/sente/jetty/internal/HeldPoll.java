package dev.sente.jetty.internal;

import dev.sente.core.Packed;
import dev.sente.server.spi.LongPollChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held Jetty response: open until the engine completes it or the client goes away, whichever
 * comes first; the other one then finds it closed. Jetty's idle timeout is ignored while it is
 * open, since the engine times polls out itself.
 *
 * <p>Jetty hears of a closed connection only when it reads or writes, and an HTTP/1.1 connection
 * whose request is being handled is not read. So for HTTP/1 a probe reads the socket every {@link
 * #PROBE_MILLIS} ms while the poll is open: end of stream, an error, or bytes the client should not
 * have sent mean the client is gone. The probe and {@link #complete} exclude each other, so the
 * socket is never read once the response is being written.
 */
final class HeldPoll implements LongPollChannel {

  private static final Logger LOG = LoggerFactory.getLogger(HeldPoll.class);

  /** How often an HTTP/1 connection is checked for a client that went away. */
  static final long PROBE_MILLIS = 1000;

  private enum State {
    OPEN,
    COMPLETED,
    GONE
  }

  private final Response response;
  private final Callback callback;
  private final Object lock = new Object();
  private State state = State.OPEN;
  private List<Runnable> goneActions = new ArrayList<>();
  private final EndPoint probedEndPoint;
  private final Scheduler scheduler;
  private final Executor executor;
  private final ByteBuffer probeBuffer = BufferUtil.allocate(1);

  /**
   * Holds the response; {@code probe} starts the HTTP/1 check, allowed only when the request has
   * been read to its end (so that whatever the socket holds next is not this request's body).
   */
  HeldPoll(Request request, Response response, Callback callback, boolean probe) {
    this.response = response;
    this.callback = callback;
    this.probedEndPoint =
        probe ? request.getConnectionMetaData().getConnection().getEndPoint() : null;
    this.scheduler = request.getComponents().getScheduler();
    this.executor = request.getComponents().getExecutor();
    request.addIdleTimeoutListener(timeout -> !isOpen());
    if (probedEndPoint != null) {
      scheduleProbe();
    }
  }

  @Override
  public boolean isOpen() {
    synchronized (lock) {
      return state == State.OPEN;
    }
  }

  @Override
  public boolean complete(Packed body) {
    synchronized (lock) {
      if (state != State.OPEN) {
        return false;
      }
      state = State.COMPLETED;
      goneActions = List.of();
    }
    String type =
        body instanceof Packed.Text ? "text/plain;charset=utf-8" : "application/octet-stream";
    JettyExchange.write(response, callback, 200, type, body.bytes());
    return true;
  }

  @Override
  public void onGone(Runnable action) {
    synchronized (lock) {
      if (state == State.OPEN) {
        goneActions.add(action);
        return;
      }
      if (state == State.COMPLETED) {
        return;
      }
    }
    runSafely(action);
  }

  /**
   * Jetty reported the request failed (the connection closed, the server stops): runs the gone
   * actions once. Jetty completes its callback itself.
   */
  void gone(Throwable cause) {
    if (markGone(cause)) {
      LOG.debug("Held poll gone: {}", cause.toString());
    }
  }

  private boolean markGone(Throwable cause) {
    List<Runnable> actions;
    synchronized (lock) {
      if (state != State.OPEN) {
        return false;
      }
      state = State.GONE;
      actions = goneActions;
      goneActions = List.of();
    }
    actions.forEach(HeldPoll::runSafely);
    return true;
  }

  private void scheduleProbe() {
    try {
      scheduler.schedule(this::probe, PROBE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      LOG.debug("Cannot schedule the held poll probe (stopping?)", e);
    }
  }

  private void probe() {
    String goneBecause;
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      goneBecause = readProbe();
    }
    if (goneBecause == null) {
      scheduleProbe();
      return;
    }
    executor.execute(
        () -> {
          EofException cause = new EofException(goneBecause);
          if (markGone(cause)) {
            LOG.debug("Held poll gone: {}", goneBecause);
            callback.failed(cause);
          }
        });
  }

  /** Reads at most one byte without blocking; returns why the client is gone, or null. */
  private String readProbe() {
    try {
      BufferUtil.clear(probeBuffer);
      int read = probedEndPoint.fill(probeBuffer);
      if (read == 0) {
        return null;
      }
      return read < 0
          ? "The client closed the connection of a held poll"
          : "The client sent data on the connection of a held poll";
    } catch (IOException | RuntimeException e) {
      return "The connection of a held poll failed: " + e;
    }
  }

  private static void runSafely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("A long-poll gone action failed", e);
    }
  }
}
