package dev.sente.bench.load;

import java.net.InetSocketAddress;

/**
 * A lean WebSocket client (RFC 6455): a fixed upgrade request, unmasked server frames parsed in
 * place, client frames masked with the all-zero key (legal, and it spares the XOR pass). Pings are
 * answered with pongs. What the text messages mean is the {@link WsDialect}'s business.
 */
final class WsClient extends Client {
  private static final byte[] HEADER_END = Bytes.ascii("\r\n\r\n");
  private static final byte[] SWITCHING = Bytes.ascii("HTTP/1.1 101");

  private final WsDialect dialect;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final Socket socket;
  private boolean upgraded;
  private byte[] fragments;
  private int fragmentLength;

  WsClient(
      Loop loop,
      int index,
      Progress progress,
      WsDialect dialect,
      InetSocketAddress remote,
      InetSocketAddress local) {
    super(loop, index, progress);
    this.dialect = dialect;
    this.remote = remote;
    this.local = local;
    this.socket = new Socket(loop);
  }

  @Override
  void start() {
    socket.connect(remote, local);
  }

  @Override
  void sendRequest() {
    sendText(dialect.request(this));
  }

  @Override
  void close() {
    socket.closeQuietly();
  }

  /** Sends one text frame, masked with the zero key. */
  void sendText(byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    byte[] frame = new byte[header + 4 + n];
    frame[0] = (byte) 0x81;
    if (n < 126) {
      frame[1] = (byte) (0x80 | n);
    } else if (n < 65536) {
      frame[1] = (byte) (0x80 | 126);
      frame[2] = (byte) (n >>> 8);
      frame[3] = (byte) n;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) (((long) n) >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, frame, header + 4, n);
    socket.send(frame);
  }

  private void sendControl(int opcode, byte[] data, int offset, int length) {
    byte[] frame = new byte[2 + 4 + length];
    frame[0] = (byte) (0x80 | opcode);
    frame[1] = (byte) (0x80 | length);
    System.arraycopy(data, offset, frame, 6, length);
    socket.send(frame);
  }

  private int parse(byte[] data, int offset, int length) {
    int end = offset + length;
    int at = offset;
    if (!upgraded) {
      int headerEnd = Bytes.indexOf(data, at, end, HEADER_END);
      if (headerEnd < 0) {
        return 0;
      }
      if (!Bytes.startsWith(data, at, length, SWITCHING)) {
        socket.fail(new IllegalStateException("upgrade refused"));
        return length;
      }
      upgraded = true;
      at = headerEnd + HEADER_END.length;
      dialect.onUpgraded(this);
    }
    while (end - at >= 2) {
      int b0 = data[at] & 0xff;
      int b1 = data[at + 1] & 0x7f;
      int header = 2;
      long n = b1;
      if (b1 == 126) {
        if (end - at < 4) {
          break;
        }
        n = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
        header = 4;
      } else if (b1 == 127) {
        if (end - at < 10) {
          break;
        }
        n = 0;
        for (int i = 0; i < 8; i++) {
          n = (n << 8) | (data[at + 2 + i] & 0xff);
        }
        header = 10;
      }
      if (end - at < header + n) {
        break;
      }
      int payload = at + header;
      frame(b0, data, payload, (int) n);
      if (!socket.isConnected()) {
        return length;
      }
      at = payload + (int) n;
    }
    return at - offset;
  }

  private void frame(int b0, byte[] data, int offset, int length) {
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0f;
    switch (opcode) {
      case 0x1, 0x2 -> {
        if (fin) {
          dialect.onMessage(this, data, offset, length);
        } else {
          fragments = new byte[Math.max(1024, length * 2)];
          System.arraycopy(data, offset, fragments, 0, length);
          fragmentLength = length;
        }
      }
      case 0x0 -> {
        if (fragments == null) {
          return;
        }
        if (fragments.length < fragmentLength + length) {
          fragments = java.util.Arrays.copyOf(fragments, (fragmentLength + length) * 2);
        }
        System.arraycopy(data, offset, fragments, fragmentLength, length);
        fragmentLength += length;
        if (fin) {
          byte[] whole = fragments;
          fragments = null;
          dialect.onMessage(this, whole, 0, fragmentLength);
        }
      }
      case 0x9 -> sendControl(0xA, data, offset, Math.min(length, 125));
      case 0x8 -> {
        socket.closeQuietly();
        lost(null);
      }
      default -> {
        // pong or reserved: ignored
      }
    }
  }

  /** The TCP side of the client. */
  private final class Socket extends Conn {
    Socket(Loop loop) {
      super(loop);
    }

    @Override
    void onConnected() {
      send(
          Bytes.ascii(
              "GET "
                  + dialect.path(WsClient.this)
                  + " HTTP/1.1\r\nHost: "
                  + remote.getHostString()
                  + ":"
                  + remote.getPort()
                  + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: c2VudGUtYmVuY2gta2V5MQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n"));
    }

    @Override
    int onBytes(byte[] data, int offset, int length) {
      return parse(data, offset, length);
    }

    @Override
    void onClosed(Exception cause) {
      lost(cause);
    }
  }
}
