package dev.sente.client.net;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small WebSocket server speaking enough of Sente's protocol (JSON packer) to test the client
 * over a real socket: it sends the handshake, echoes requests as replies, answers pings, and lets
 * the test push, close and refuse upgrades. One thread per connection; test use only.
 */
final class MiniWebSocketServer implements AutoCloseable {

  private static final Pattern REQUEST = Pattern.compile("^\\[(\\[.*\\]),\"([0-9a-f]{6})\"\\]$");

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Conn> connections = new CopyOnWriteArrayList<>();
  final BlockingQueue<Map<String, String>> upgrades = new LinkedBlockingQueue<>();
  final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final AtomicInteger open = new AtomicInteger();
  volatile int refuseWith;
  volatile boolean answerPings = true;

  /**
   * The user's numbered stream when the server grants resume (event {@code i} has number {@code
   * i+1}, epoch {@code E1}); a client that asks gets the grant, and one that names its cursor gets
   * {@code recovered: true} and the events after it, starting {@link #replayOverlap} events early
   * (duplicates the client must drop).
   */
  private final List<String> stream = new CopyOnWriteArrayList<>();

  volatile boolean grantResume;
  volatile int replayOverlap;

  /** Appends an event to the numbered stream and pushes it, with its number, to every socket. */
  synchronized void pushNumbered(String event) {
    stream.add(event);
    pushToAll("[[" + event + "],null,{\"seq\":" + stream.size() + "}]");
  }

  /** Appends an event to the numbered stream without pushing it (a client that is away). */
  synchronized void appendNumbered(String event) {
    stream.add(event);
  }

  /** The handshake frame for an upgrade, and the replay that follows it (may be null). */
  private synchronized String[] handshakeFor(String target) {
    String plain = "[[\"chsk/handshake\",[\"alice\",null,null]],null";
    if (!grantResume || !target.contains("ext=resume")) {
      return new String[] {plain + "]", null};
    }
    Matcher cursor = Pattern.compile("[?&]epoch=([^&]*)&seq=(\\d+)").matcher(target);
    int last = stream.size();
    String meta = "{\"ext\":[\"resume\"],\"epoch\":\"E1\",\"seq\":";
    if (!cursor.find()) {
      return new String[] {plain + "," + meta + last + "}]", null};
    }
    int seq = Integer.parseInt(cursor.group(2));
    if (!cursor.group(1).equals("E1") || seq > last) {
      return new String[] {plain + "," + meta + last + ",\"recovered\":false,\"gap\":null}]", null};
    }
    int from = Math.max(0, seq - replayOverlap);
    String replay =
        from == last
            ? null
            : "[["
                + String.join(",", stream.subList(from, last))
                + "],null,{\"seq\":"
                + last
                + "}]";
    return new String[] {plain + "," + meta + seq + ",\"recovered\":true}]", replay};
  }

  MiniWebSocketServer() throws IOException {
    server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::acceptLoop, "mini-ws-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/chsk";
  }

  int port() {
    return server.getLocalPort();
  }

  void pushToAll(String frame) {
    for (Conn c : connections) {
      c.send(frame);
    }
  }

  void closeAll(int code) {
    for (Conn c : connections) {
      c.sendClose(code);
    }
  }

  String nextReceived() throws InterruptedException {
    String frame = received.poll(10, TimeUnit.SECONDS);
    if (frame == null) {
      throw new AssertionError("no frame received within 10 s");
    }
    return frame;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Conn c : connections) {
      c.kill();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread t = new Thread(() -> new Conn(socket).run(), "mini-ws-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private final class Conn {
    private final Socket socket;
    private OutputStream out;

    Conn(Socket socket) {
      this.socket = socket;
    }

    void run() {
      try (socket) {
        InputStream in = socket.getInputStream();
        out = socket.getOutputStream();
        Map<String, String> request = readRequest(in);
        if (refuseWith > 0) {
          writeRaw(
              "HTTP/1.1 " + refuseWith + " No\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
          return;
        }
        upgrades.add(request);
        writeRaw(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept(request.get("sec-websocket-key"))
                + "\r\n\r\n");
        synchronized (MiniWebSocketServer.this) { // no numbered push between handshake and replay
          String[] handshake = handshakeFor(request.get(":target"));
          send(handshake[0]);
          if (handshake[1] != null) {
            send(handshake[1]);
          }
          connections.add(this);
        }
        open.incrementAndGet();
        readFrames(new DataInputStream(in));
      } catch (IOException e) {
        // the client went away
      } finally {
        if (connections.remove(this)) {
          open.decrementAndGet();
        }
      }
    }

    private void readFrames(DataInputStream in) throws IOException {
      ByteArrayOutputStream message = new ByteArrayOutputStream();
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] mask = new byte[4];
        if ((b1 & 0x80) != 0) {
          in.readFully(mask);
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
        int opcode = b0 & 0x0f;
        if (opcode == 8) {
          sendClose(1000);
          return;
        }
        if (opcode == 0 || opcode == 1 || opcode == 2) {
          message.write(payload);
          if ((b0 & 0x80) != 0) {
            onMessage(message.toString(StandardCharsets.UTF_8));
            message.reset();
          }
        }
      }
    }

    private void onMessage(String text) {
      received.add(text);
      Matcher m = REQUEST.matcher(text);
      if (!m.matches()) {
        return;
      }
      String event = m.group(1);
      String cb = m.group(2);
      if (event.equals("[\"chsk/ws-ping\"]")) {
        if (answerPings) {
          send("[\"pong\",\"" + cb + "\"]");
        }
        return;
      }
      send("[{\"echo\":" + event + "},\"" + cb + "\"]"); // the reply: the event itself
    }

    synchronized void send(String text) {
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);
      try {
        out.write(0x81);
        if (payload.length < 126) {
          out.write(payload.length);
        } else if (payload.length < 65536) {
          out.write(126);
          out.write(payload.length >> 8);
          out.write(payload.length & 0xff);
        } else {
          out.write(127);
          for (int i = 7; i >= 0; i--) {
            out.write((int) (((long) payload.length >> (8 * i)) & 0xff));
          }
        }
        out.write(payload);
        out.flush();
      } catch (IOException e) {
        kill();
      }
    }

    synchronized void sendClose(int code) {
      try {
        out.write(new byte[] {(byte) 0x88, 2, (byte) (code >> 8), (byte) code});
        out.flush();
        socket.shutdownOutput();
      } catch (IOException e) {
        kill();
      }
    }

    void kill() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    private void writeRaw(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  private static Map<String, String> readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new SocketException("closed during the request");
      }
      head.write(b);
      state =
          (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
              ? state + 1
              : 0;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> request = new ConcurrentHashMap<>();
    request.put(":target", lines[0].split(" ")[1]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        request.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return request;
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest =
          sha1.digest(
              (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
