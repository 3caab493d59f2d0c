package dev.sente.servlet.internal;

import dev.sente.core.Packed;
import dev.sente.server.spi.LongPollChannel;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held asynchronous response: open until the engine completes it or the client goes away,
 * whichever comes first; the other one then finds it closed.
 *
 * <p>A servlet container hears of a closed connection only when it reads or writes, and it reads
 * nothing from an HTTP/1.1 connection while its request is held. So for HTTP/1 a probe asks the
 * request's input stream, in non-blocking mode, how much is {@link ServletInputStream#available()}
 * every {@link #PROBE_MILLIS} ms: with a read listener set, Tomcat answers that with a non-blocking
 * read of the socket, and counts end of stream or a failed read as available. Anything available
 * after the request's end means the client is gone (or sent what it should not have). The probe and
 * {@link #complete} exclude each other, so the request is never touched once it is being answered.
 *
 * <p>A gone poll is ended with {@code Connection: close}, so that the container drops the
 * connection. The container's own reports of a failure ({@code AsyncListener}) end it too.
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

  private final AsyncContext async;
  private final HttpServletResponse response;
  private final ServletInputStream probed;
  private final ScheduledExecutorService timers;
  private final Object lock = new Object();
  private State state = State.OPEN;
  private List<Runnable> goneActions = new ArrayList<>();

  /** Holds the response; {@code probed} is null when the connection cannot be probed. */
  HeldPoll(
      AsyncContext async,
      HttpServletResponse response,
      ServletInputStream probed,
      ScheduledExecutorService timers) {
    this.async = async;
    this.response = response;
    this.probed = probed;
    this.timers = timers;
    if (probed != null) {
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
    ResponseWriter.writeAsync(async, response, 200, type, body.bytes(), false);
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
   * The container ended or failed the request (the client went away, the server stops): runs the
   * gone actions once. The container is done with the request, so it is not touched.
   */
  void ended(String why) {
    if (markGone()) {
      LOG.debug("Held poll gone: {}", why);
    }
  }

  private boolean markGone() {
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
      timers.schedule(this::probe, PROBE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Cannot schedule the held poll probe (stopping?)", e);
    }
  }

  private void probe() {
    synchronized (lock) {
      if (state != State.OPEN) {
        return;
      }
      if (!clientGone()) {
        scheduleProbe();
        return;
      }
    }
    if (markGone()) {
      LOG.debug("Held poll gone: its client closed the connection or sent data on it");
      response.setStatus(400);
      response.setHeader("Connection", "close");
      response.setContentLength(0);
      ResponseWriter.complete(async);
    }
  }

  /** Reads without blocking (see the class comment); call holding the lock. */
  private boolean clientGone() {
    try {
      return probed.available() > 0;
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  /**
   * The request's input stream in non-blocking mode, for the held poll's probe: only for HTTP/1 and
   * once the request's body (if any) was read to its end, so that whatever the connection holds
   * next is not this request's.
   */
  static ServletInputStream probeStream(HttpServletRequest request, boolean bodyRead) {
    if (!request.getProtocol().startsWith("HTTP/1")) {
      return null;
    }
    boolean noBody =
        request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null;
    if (!noBody && !bodyRead) {
      return null;
    }
    try {
      ServletInputStream in = request.getInputStream();
      if (!bodyRead) {
        in.setReadListener(NoBody.INSTANCE);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The read listener of a request without a body, set only so that the probe can read. */
  private enum NoBody implements ReadListener {
    INSTANCE;

    @Override
    public void onDataAvailable() {}

    @Override
    public void onAllDataRead() {}

    @Override
    public void onError(Throwable t) {}
  }

  private static void runSafely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("A long-poll gone action failed", e);
    }
  }
}
