package dev.sente.bench.jmh;

import dev.sente.core.Packed;
import dev.sente.server.spi.WebSocketChannel;
import java.util.ArrayDeque;

/**
 * A WebSocket channel that writes nowhere: each send completes at once, or (when deferred) when
 * {@link #completeAll} runs, as a slow socket would make the engine queue.
 */
final class FakeChannel implements WebSocketChannel {
  private final boolean deferred;
  private final ArrayDeque<WriteCallback> pending = new ArrayDeque<>();
  long frames;
  long bytes;
  String firstText; // the first text frame written (the handshake)

  FakeChannel(boolean deferred) {
    this.deferred = deferred;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void send(Packed frame, WriteCallback callback) {
    frames++;
    if (firstText == null && frame instanceof Packed.Text t) {
      firstText = t.text();
    }
    bytes += frame instanceof Packed.Text t ? t.text().length() : frame.size();
    if (deferred) {
      synchronized (pending) {
        pending.add(callback);
      }
    } else {
      callback.succeeded();
    }
  }

  /** Completes every deferred write (each completion may send the next queued frame). */
  void completeAll() {
    while (true) {
      WriteCallback next;
      synchronized (pending) {
        next = pending.poll();
      }
      if (next == null) {
        return;
      }
      next.succeeded();
    }
  }

  @Override
  public void close(int code, String reason) {}

  @Override
  public void disconnect() {}

  @Override
  public void pauseReading() {}

  @Override
  public void resumeReading() {}
}
