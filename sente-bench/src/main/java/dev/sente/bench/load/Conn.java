package dev.sente.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One non-blocking TCP connection on a {@link Loop}: connect (optionally from a chosen local
 * address), write with a queue for what the kernel did not take, and read into the loop's shared
 * buffer, keeping only the bytes a subclass could not parse yet.
 */
abstract class Conn {
  private static final byte[] EMPTY = new byte[0];

  final Loop loop;
  private SocketChannel channel;
  private SelectionKey key;
  private byte[] carry = EMPTY;
  private int carryLength;
  private final ArrayDeque<ByteBuffer> unsent = new ArrayDeque<>();
  private boolean connected;
  private boolean closed;

  Conn(Loop loop) {
    this.loop = loop;
  }

  /** Starts connecting; call on the loop's thread. */
  final void connect(InetSocketAddress remote, InetSocketAddress local) {
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (local != null) {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(local);
      }
      closed = false;
      connected = false;
      carryLength = 0;
      unsent.clear();
      if (channel.connect(remote)) {
        key = channel.register(loop.selector, SelectionKey.OP_READ, this);
        connected = true;
        onConnected();
      } else {
        key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  final boolean isConnected() {
    return connected && !closed;
  }

  final void ready(SelectionKey selected) throws IOException {
    if (!selected.isValid()) {
      return;
    }
    if (selected.isConnectable()) {
      channel.finishConnect();
      connected = true;
      selected.interestOps(SelectionKey.OP_READ);
      onConnected();
    }
    if (selected.isValid() && selected.isWritable()) {
      flush();
    }
    if (selected.isValid() && selected.isReadable()) {
      read();
    }
  }

  private void read() throws IOException {
    ByteBuffer buffer = loop.readBuffer;
    while (!closed) {
      buffer.clear();
      int n = channel.read(buffer);
      if (n < 0) {
        closeQuietly();
        onClosed(null);
        return;
      }
      if (n == 0) {
        return;
      }
      byte[] data;
      int length;
      if (carryLength == 0) {
        data = buffer.array();
        length = n;
      } else {
        if (carry.length < carryLength + n) {
          carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carryLength + n));
        }
        System.arraycopy(buffer.array(), 0, carry, carryLength, n);
        data = carry;
        length = carryLength + n;
      }
      int used = onBytes(data, 0, length);
      if (closed) {
        return;
      }
      int left = length - used;
      if (left > 0) {
        if (data != carry) {
          if (carry.length < left) {
            carry = new byte[Math.max(left, 1024)];
          }
          System.arraycopy(data, used, carry, 0, left);
        } else if (used > 0) {
          System.arraycopy(carry, used, carry, 0, left);
        }
      } else if (carry.length > 64 * 1024) {
        carry = EMPTY;
      }
      carryLength = left;
      if (n < buffer.capacity()) {
        return;
      }
    }
  }

  /** Writes the bytes now, or queues what the socket does not take yet. */
  final void send(byte[] bytes) {
    if (closed || channel == null) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (unsent.isEmpty() && connected) {
      try {
        channel.write(buffer);
      } catch (IOException e) {
        fail(e);
        return;
      }
      if (!buffer.hasRemaining()) {
        return;
      }
    }
    unsent.add(buffer);
    if (connected) {
      key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void flush() throws IOException {
    while (!unsent.isEmpty()) {
      ByteBuffer head = unsent.peek();
      channel.write(head);
      if (head.hasRemaining()) {
        return;
      }
      unsent.poll();
    }
    key.interestOps(SelectionKey.OP_READ);
  }

  /** A failure: closes the connection and reports it. */
  final void fail(Exception cause) {
    if (!closed) {
      closeQuietly();
      onClosed(cause);
    }
  }

  /** Closes the socket without reporting (the owner closes it). */
  final void closeQuietly() {
    closed = true;
    connected = false;
    unsent.clear();
    carryLength = 0;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closed anyway
      }
    }
  }

  /** The TCP connection is up. */
  abstract void onConnected();

  /** Parses bytes; returns how many it used (the rest comes back with more data). */
  abstract int onBytes(byte[] data, int offset, int length);

  /** The connection closed or failed; cause is null for an orderly close by the peer. */
  abstract void onClosed(Exception cause);
}
