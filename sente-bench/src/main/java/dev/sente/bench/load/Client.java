package dev.sente.bench.load;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated client (a WebSocket, or an Ajax client with its poll and post connections) and its
 * closed request/reply loop: one request outstanding, the next sent as soon as the reply arrives,
 * until the stop time. Lives on one {@link Loop}.
 */
abstract class Client {

  /** Connect accounting shared by the clients of one run. */
  static final class Progress {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();

    int settled() {
      return opened.get() + failed.get();
    }
  }

  final Loop loop;
  final int index;
  final Progress progress;
  private boolean open;
  private boolean settled;
  private long sentAt;
  private long stopAt;
  private boolean inFlight;
  long seq;

  Client(Loop loop, int index, Progress progress) {
    this.loop = loop;
    this.index = index;
    this.progress = progress;
  }

  /** Connects and runs the protocol's handshake; call on the loop's thread. */
  abstract void start();

  /** Sends one request of the request/reply loop. */
  abstract void sendRequest();

  /** Closes every connection of the client without reporting. */
  abstract void close();

  final boolean isOpen() {
    return open;
  }

  /** The protocol's handshake is done: the client counts as connected. */
  final void opened() {
    if (!open) {
      open = true;
      if (!settled) {
        settled = true;
        progress.opened.incrementAndGet();
      }
    }
  }

  /** The client lost its connection. */
  final void lost(Exception cause) {
    if (!settled) {
      settled = true;
      progress.failed.incrementAndGet();
    } else if (open) {
      loop.stats.closedEarly++;
    }
    open = false;
    if (inFlight) {
      inFlight = false;
      progress.running.decrementAndGet();
    }
  }

  /** Starts the request/reply loop; it stops by itself at stopAt (System.nanoTime()). */
  final void startRequestReply(long stopAt) {
    this.stopAt = stopAt;
    if (open && !inFlight) {
      inFlight = true;
      progress.running.incrementAndGet();
      next();
    }
  }

  private void next() {
    seq++;
    sentAt = System.nanoTime();
    sendRequest();
  }

  /** The reply of the outstanding request arrived. */
  final void replied() {
    if (!inFlight) {
      return;
    }
    long now = System.nanoTime();
    loop.stats.roundTrip(sentAt, now);
    if (now < stopAt) {
      next();
    } else {
      inFlight = false;
      progress.running.decrementAndGet();
    }
  }

  /** A pushed message stamped (System.nanoTime() of the server's send) arrived. */
  final void delivered(long stamp) {
    loop.stats.delivered(stamp, System.nanoTime());
  }

  /** The small request payload every system echoes: {"seq":N,"text":"hello world"}. */
  final String payload() {
    return "{\"seq\":" + seq + ",\"text\":\"hello world\"}";
  }
}
