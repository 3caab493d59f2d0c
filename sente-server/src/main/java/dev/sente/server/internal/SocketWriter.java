package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.server.spi.WebSocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one WebSocket, a single writer: the next frame is handed to the adapter only
 * once the previous write completed, so there is at most one write in flight. Frames wait in two
 * queues: control frames (the pongs that answer the client's pings) go out ahead of the queued
 * pushes, replies and server pings; the close goes out after everything queued before it. Nothing
 * is written before the frames that open the socket (the handshake, then the events kept for its
 * client), which {@link #start} puts ahead of whatever was queued while the socket was being
 * registered: so no push overtakes the handshake, and the handshake is written outside the registry
 * lock.
 *
 * <p>Two bounds keep a slow consumer from taking the server's memory: more than {@code maxQueued}
 * frames waiting, or more than {@code maxQueuedBytes} bytes queued plus being written (the frame in
 * flight counts until its callback ran). A frame that would cross either bound cuts the socket (see
 * {@link State#CLOSED}). The first frame always goes out, even when larger than the byte bound.
 *
 * <p>All state is guarded by this object's lock; no adapter call is made holding it. The writer is
 * its own write callback: with one write in flight, one object serves every write.
 */
final class SocketWriter implements WebSocketChannel.WriteCallback {
  private static final Logger LOG = LoggerFactory.getLogger(SocketWriter.class);

  /** The writer's states; each moves only forward, OPENING to OPEN to CLOSING to CLOSED. */
  enum State {
    /**
     * The socket is being registered: frames are accepted within the bounds and queued, none is
     * written. {@link #start} moves to {@link #OPEN}, writing the opening frames first; {@link
     * #close} moves to {@link #CLOSING} (the close then still waits for the opening frames), a
     * frame beyond the bounds or the socket's close to {@link #CLOSED}.
     */
    OPENING,
    /**
     * Frames are accepted within the bounds and written one at a time, control frames first. {@link
     * #close} moves to {@link #CLOSING}; a frame beyond the bounds, a failed write or the socket's
     * close move straight to {@link #CLOSED}.
     */
    OPEN,
    /**
     * A close was asked for: no new frame is accepted ({@link #send} returns false, so the events
     * wait for the client's next socket), the frames queued before the close still go out, then the
     * close itself, which moves to {@link #CLOSED}. A failed write or the socket's close move to
     * {@link #CLOSED} at once, the close still handed to the adapter if it had not been. So does
     * {@link #cutIfClosing} (the connection cut with the close), for a client that stopped reading
     * and would keep the socket closing for good.
     */
    CLOSING,
    /**
     * Nothing more is written and the queues are dropped: the close went to the adapter, or the
     * socket closed, or the connection was cut as a slow consumer (close code 1008 and {@link
     * WebSocketChannel#disconnect()} at once, ahead of anything queued: a client that does not read
     * would never see a close frame queued behind its frames).
     */
    CLOSED
  }

  private final WsConnection conn;
  private final int maxQueued;
  private final long maxQueuedBytes;
  private WebSocketChannel channel;
  private State state = State.OPENING;
  private boolean started; // the opening frames were queued ahead of the rest
  private ArrayDeque<Packed> control; // created by the first control frame that has to wait
  private ArrayDeque<Packed> queue; // created by the first frame that has to wait
  private boolean writing; // a write is in flight
  private long queuedBytes; // both queues plus the frame in flight
  private long writingBytes; // the frame in flight
  private int closeCode; // while CLOSING and the close is not yet handed to the adapter
  private String closeReason; // idem; null once handed over

  SocketWriter(WsConnection conn, int maxQueued, long maxQueuedBytes) {
    this.conn = conn;
    this.maxQueued = maxQueued;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** The bytes a frame counts for: its length in characters for text, in bytes for binary. */
  static long weight(Packed frame) {
    return frame instanceof Packed.Text text ? text.text().length() : frame.size();
  }

  synchronized void open(WebSocketChannel channel) {
    this.channel = channel;
  }

  synchronized WebSocketChannel channel() {
    return channel;
  }

  synchronized State state() {
    return state;
  }

  /** Open, started, with nothing in flight or queued: a resume drain may write its next frame. */
  synchronized boolean isIdle() {
    return state == State.OPEN && started && !writing && size(control) + size(queue) == 0;
  }

  /** Bytes queued for this socket plus the frame being written (0 once closed). */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  /**
   * Puts the frames that open the socket ahead of everything queued so far and starts writing:
   * {@link State#OPENING} moves to {@link State#OPEN} (or, when a close was asked for meanwhile,
   * the opening frames still go out before it). Unbounded: they are bounded already (the kept
   * events by {@code maxQueuedBytes}), and a socket must not be cut before it was registered.
   */
  void start(List<Packed> opening) {
    Packed first;
    WebSocketChannel target;
    synchronized (this) {
      if (state == State.CLOSED || started) {
        return;
      }
      started = true;
      if (state == State.OPENING) {
        state = State.OPEN;
      }
      for (int i = opening.size() - 1; i >= 0; i--) {
        control = addFirst(control, opening.get(i));
        queuedBytes += weight(opening.get(i));
      }
      first = poll();
      if (first != null) {
        writing = true;
        writingBytes = weight(first);
      }
      target = channel;
    }
    if (first != null) {
      target.send(first, this);
    } else {
      closeIfDrained();
    }
  }

  /**
   * Queues a push, reply or server ping behind the frames already queued; false when the writer is
   * not {@link State#OPENING} or {@link State#OPEN}, or the frame cut the socket as a slow
   * consumer.
   */
  boolean send(Packed frame) {
    return offer(frame, false);
  }

  /** Queues a control frame (a pong) ahead of the queued pushes, within the same bounds. */
  boolean sendControl(Packed frame) {
    return offer(frame, true);
  }

  private boolean offer(Packed frame, boolean isControl) {
    WebSocketChannel target;
    boolean tooSlow = false;
    long size = weight(frame);
    synchronized (this) {
      if ((state != State.OPEN && state != State.OPENING) || channel == null) {
        return false;
      }
      target = channel;
      if (writing || !started) {
        int frames = size(control) + size(queue);
        boolean over = frames >= maxQueued || queuedBytes + size > maxQueuedBytes;
        if (over && (writing || frames > 0)) { // while opening, a lone frame waits as if written
          LOG.warn(
              "Closing WebSocket of client {} (user {}): {} frames and {} bytes queued, client"
                  + " too slow",
              safe(conn.clientId),
              safe(conn.userId),
              frames,
              queuedBytes);
          toClosed();
          tooSlow = true;
        } else {
          if (isControl) {
            control = add(control, frame);
          } else {
            queue = add(queue, frame);
          }
          queuedBytes += size;
          return true;
        }
      } else {
        writing = true;
        queuedBytes = size;
        writingBytes = size;
      }
    }
    if (tooSlow) {
      cut(target);
      return false;
    }
    target.send(frame, this);
    return true;
  }

  /**
   * Asks for the close: {@link State#OPEN} moves to {@link State#CLOSING}, and the close goes out
   * once the frames queued before it are written (at once when nothing is). Later calls do nothing.
   */
  void close(int code, String reason) {
    synchronized (this) {
      if ((state != State.OPEN && state != State.OPENING) || channel == null) {
        return;
      }
      state = State.CLOSING;
      closeCode = code;
      closeReason = reason;
      if (writing || !started) {
        return; // the write's callback (or the start) drains the queues, then closes
      }
    }
    closeIfDrained();
  }

  /**
   * The socket closed (reported by the adapter, or decided by the engine): {@link State#CLOSED}.
   */
  void closed() {
    WebSocketChannel target;
    int code;
    String reason;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      target = closeReason == null ? null : channel; // a close asked for and not handed over yet
      code = closeCode;
      reason = closeReason;
      toClosed();
    }
    if (target != null) {
      target.close(code, reason);
    }
  }

  /** The write in flight completed: the next frame, or the close once the queues are drained. */
  @Override
  public void succeeded() {
    Packed next;
    WebSocketChannel target;
    synchronized (this) {
      if (state != State.CLOSED) { // CLOSED has dropped the count already
        queuedBytes -= writingBytes;
      }
      writingBytes = 0;
      next = state == State.CLOSED ? null : poll();
      if (next == null) {
        writing = false;
      } else {
        writingBytes = weight(next);
      }
      target = channel;
    }
    if (next != null) {
      target.send(next, this);
    } else {
      closeIfDrained();
      if (conn != null) { // null in the writer's own tests
        conn.writerIdle();
      }
    }
  }

  /** The one failure path: a failed write drops the queues and closes the socket with 1011. */
  @Override
  public void failed(Throwable cause) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Write to client {} failed: {}", safe(conn.clientId), safe(cause));
    }
    synchronized (this) {
      writing = false;
      control = null;
      queue = null;
      queuedBytes = 0;
      writingBytes = 0;
      if (state == State.OPEN || state == State.OPENING) {
        state = State.CLOSING;
        closeCode = 1011;
        closeReason = "Write failed";
      }
    }
    closeIfDrained();
    conn.closeAsked(1011, "Write failed");
  }

  /** In {@link State#CLOSING} with nothing queued or in flight: hands the close to the adapter. */
  private void closeIfDrained() {
    WebSocketChannel target;
    int code;
    String reason;
    synchronized (this) {
      if (state != State.CLOSING
          || writing
          || !started
          || size(control) + size(queue) > 0
          || closeReason == null) {
        return;
      }
      target = channel;
      code = closeCode;
      reason = closeReason;
      toClosed();
    }
    target.close(code, reason);
  }

  /**
   * Cuts the connection when the close asked for is still waiting behind queued frames (the client
   * stopped reading): the close goes to the adapter with the connection dropped at once, and the
   * socket is forgotten. Does nothing once the close went out.
   */
  void cutIfClosing() {
    WebSocketChannel target;
    int code;
    String reason;
    synchronized (this) {
      if (state != State.CLOSING || closeReason == null) {
        return;
      }
      target = channel;
      code = closeCode;
      reason = closeReason;
      toClosed();
    }
    LOG.warn(
        "Cutting WebSocket of client {} (user {}): its close waited behind frames it does not read",
        safe(conn.clientId),
        safe(conn.userId));
    try {
      target.close(code, reason);
    } finally {
      target.disconnect();
      conn.onClose(code, reason);
    }
  }

  /**
   * Cuts the socket as a slow consumer from outside the writer: its drain found events trimmed from
   * the log before the client read them, while a frame is still in flight. Does nothing once
   * closing or closed.
   */
  void cutSlowConsumer(long unreadBytes) {
    WebSocketChannel target;
    synchronized (this) {
      if ((state != State.OPEN && state != State.OPENING) || channel == null) {
        return;
      }
      target = channel;
      LOG.warn(
          "Closing WebSocket of client {} (user {}): it fell behind the delivery log's window"
              + " ({} bytes unread), client too slow",
          safe(conn.clientId),
          safe(conn.userId),
          unreadBytes);
      toClosed();
    }
    cut(target);
  }

  /**
   * Cuts a slow consumer: close code 1008 and the connection dropped at once, the close frame would
   * wait behind the frames the client does not read. The client's grace period starts now.
   */
  private void cut(WebSocketChannel target) {
    try {
      target.close(WsConnection.CLOSE_POLICY, "Outbound queue full");
    } finally {
      target.disconnect();
      conn.onClose(WsConnection.CLOSE_POLICY, "Outbound queue full");
    }
  }

  /** Moves to {@link State#CLOSED}, dropping the queues; call holding the lock. */
  private void toClosed() {
    state = State.CLOSED;
    control = null;
    queue = null;
    queuedBytes = 0;
    closeReason = null;
  }

  /** The next frame to write, control frames first; call holding the lock. */
  private Packed poll() {
    Packed next = control == null ? null : control.poll();
    return next != null ? next : queue == null ? null : queue.poll();
  }

  private static ArrayDeque<Packed> add(ArrayDeque<Packed> deque, Packed frame) {
    ArrayDeque<Packed> out = deque == null ? new ArrayDeque<>(4) : deque;
    out.add(frame);
    return out;
  }

  private static ArrayDeque<Packed> addFirst(ArrayDeque<Packed> deque, Packed frame) {
    ArrayDeque<Packed> out = deque == null ? new ArrayDeque<>(4) : deque;
    out.addFirst(frame);
    return out;
  }

  private static int size(ArrayDeque<Packed> deque) {
    return deque == null ? 0 : deque.size();
  }
}
