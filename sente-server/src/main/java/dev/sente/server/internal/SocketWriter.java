package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Packed;
import dev.sente.server.spi.WebSocketChannel;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one WebSocket: a single-writer queue (the next frame is handed to the
 * adapter only after the previous write completed) with two bounds that keep a slow consumer from
 * taking the server's memory: more than {@code maxQueued} frames waiting, or more than {@code
 * maxQueuedBytes} bytes queued plus being written (the frame handed to the adapter counts until its
 * callback ran). A frame that would cross either bound closes the socket with 1008 and cuts the
 * connection at once: a client that does not read would never see the close frame. The first frame
 * always goes out, even when larger than the byte bound.
 */
final class SocketWriter {
  private static final Logger LOG = LoggerFactory.getLogger(SocketWriter.class);

  private final WsConnection conn;
  private final int maxQueued;
  private final long maxQueuedBytes;
  private WebSocketChannel channel;
  private ArrayDeque<Packed> queue; // created by the first frame that has to wait
  private boolean writing;
  private long queuedBytes; // queued frames plus the one being written
  private long writingBytes; // the one being written
  private boolean closed;
  private boolean closing;

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

  /** The socket closed: drops what is queued. */
  synchronized void closed() {
    closed = true;
    queue = null;
    queuedBytes = 0;
  }

  synchronized boolean isOpen() {
    return !closed && channel != null && channel.isOpen();
  }

  /** Bytes queued for this socket plus the frame being written (0 once closed). */
  synchronized long queuedBytes() {
    return queuedBytes;
  }

  boolean send(Packed frame, boolean bounded) {
    WebSocketChannel target;
    boolean tooSlow = false;
    long size = weight(frame);
    synchronized (this) {
      if (closed || closing || channel == null) {
        return false;
      }
      if (writing) {
        int frames = queue == null ? 0 : queue.size();
        if (bounded && (frames >= maxQueued || queuedBytes + size > maxQueuedBytes)) {
          LOG.warn(
              "Closing WebSocket of client {} (user {}): {} frames and {} bytes queued, client"
                  + " too slow",
              safe(conn.clientId),
              safe(conn.userId),
              frames,
              queuedBytes);
          queue = null;
          queuedBytes = 0;
          closing = true;
          tooSlow = true;
          target = channel;
        } else {
          if (queue == null) {
            queue = new ArrayDeque<>(4);
          }
          queue.add(frame);
          queuedBytes += size;
          return true;
        }
      } else {
        writing = true;
        queuedBytes = size;
        writingBytes = size;
        target = channel;
      }
    }
    if (tooSlow) {
      closeSlowConsumer(target);
      return false;
    }
    write(target, frame);
    return true;
  }

  /**
   * Closes with 1008 and cuts the connection at once: the close frame would wait behind the frames
   * the client does not read. The client's grace period starts now.
   */
  private void closeSlowConsumer(WebSocketChannel target) {
    try {
      target.close(WsConnection.CLOSE_POLICY, "Outbound queue full");
    } finally {
      target.disconnect();
      conn.onClose(WsConnection.CLOSE_POLICY, "Outbound queue full");
    }
  }

  private void write(WebSocketChannel target, Packed frame) {
    target.send(
        frame,
        new WebSocketChannel.WriteCallback() {
          @Override
          public void succeeded() {
            writeNext();
          }

          @Override
          public void failed(Throwable cause) {
            if (LOG.isDebugEnabled()) {
              LOG.debug("Write to client {} failed: {}", safe(conn.clientId), safe(cause));
            }
            synchronized (SocketWriter.this) {
              writing = false;
              queue = null;
              queuedBytes = 0;
            }
            conn.close(1011, "Write failed");
          }
        });
  }

  private void writeNext() {
    Packed next;
    WebSocketChannel target;
    synchronized (this) {
      if (closed || closing) {
        writing = false;
        writingBytes = 0;
        return;
      }
      queuedBytes -= writingBytes;
      next = queue == null ? null : queue.poll();
      if (next == null) {
        writing = false;
        writingBytes = 0;
        return;
      }
      writingBytes = weight(next);
      target = channel;
    }
    write(target, next);
  }
}
