package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import dev.sente.server.spi.WebSocketChannel;
import dev.sente.server.spi.WebSocketListener;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An in-memory exchange for engine unit tests: records what the engine answers. */
final class FakeExchange implements HttpExchange {
  final String method;
  final Map<String, List<String>> query = new LinkedHashMap<>();
  final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
  final Map<String, String> cookies = new LinkedHashMap<>();
  final Map<String, Object> session = new LinkedHashMap<>();
  boolean upgrade;
  byte[] body = new byte[0];

  Integer status;
  String responseBody;
  FakeSocket socket;

  /** Runs on every frame the engine hands to this exchange's socket, before it is recorded. */
  Runnable sendHook;

  FakePoll poll;

  private FakeExchange(String method, String query) {
    this.method = method;
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      this.query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    headers.put("Host", "localhost:8080");
    headers.put("Origin", "http://localhost:8080");
  }

  static FakeExchange get(String query) {
    return new FakeExchange("GET", query);
  }

  static FakeExchange webSocket(String query) {
    FakeExchange exchange = new FakeExchange("GET", query);
    exchange.upgrade = true;
    return exchange;
  }

  static FakeExchange post(String query, String body) {
    FakeExchange exchange = new FakeExchange("POST", query);
    exchange.body = body.getBytes(StandardCharsets.UTF_8);
    return exchange;
  }

  FakeExchange header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  FakeExchange withoutHeader(String name) {
    headers.remove(name);
    return this;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return "/chsk";
  }

  @Override
  public String scheme() {
    return "http";
  }

  @Override
  public Optional<String> host() {
    return Optional.ofNullable(headers.get("Host"));
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return query;
  }

  @Override
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  @Override
  public Optional<Object> sessionAttribute(String name) {
    return Optional.ofNullable(session.get(name));
  }

  @Override
  public String remoteAddress() {
    return "127.0.0.1:50000";
  }

  @Override
  public boolean isWebSocketUpgrade() {
    return upgrade;
  }

  @Override
  public void readBody(long maxBytes, BodyCallback callback) {
    if (body.length > maxBytes) {
      callback.tooLarge();
    } else {
      callback.completed(body);
    }
  }

  @Override
  public synchronized void respond(int status, String contentType, byte[] body) {
    if (this.status != null) {
      throw new IllegalStateException("answered twice");
    }
    this.status = status;
    this.responseBody = new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void upgrade(long maxMessageBytes, WebSocketListener listener) {
    socket = new FakeSocket(listener);
    socket.sendHook = sendHook;
    listener.onOpen(socket);
  }

  @Override
  public LongPollChannel hold() {
    poll = new FakePoll();
    return poll;
  }

  /**
   * A socket whose writes complete at once, unless stalled (then {@link #completeWrites} completes
   * them). Reading follows the SPI's flow control: {@link #receive} fails while paused.
   */
  static final class FakeSocket implements WebSocketChannel {
    final WebSocketListener listener;
    final List<String> frames = new ArrayList<>();
    final List<WriteCallback> unfinished = new ArrayList<>();
    boolean stalled;
    Runnable sendHook;
    boolean open = true;
    boolean paused;
    boolean disconnected;
    int pauses;
    Integer closeCode;

    FakeSocket(WebSocketListener listener) {
      this.listener = listener;
    }

    @Override
    public synchronized boolean isOpen() {
      return open;
    }

    @Override
    public void send(Packed frame, WriteCallback callback) {
      if (sendHook != null) {
        sendHook.run();
      }
      synchronized (this) {
        frames.add(frame.toString());
      }
      if (!stalled) {
        callback.succeeded();
      } else {
        synchronized (this) {
          unfinished.add(callback);
        }
      }
    }

    /** Completes the stalled writes, and those they start, until none is left. */
    void completeWrites() {
      while (true) {
        WriteCallback next;
        synchronized (this) {
          if (unfinished.isEmpty()) {
            return;
          }
          next = unfinished.remove(0);
        }
        next.succeeded();
      }
    }

    @Override
    public void disconnect() {
      synchronized (this) {
        disconnected = true;
      }
      close(1006, "disconnected");
    }

    @Override
    public synchronized void pauseReading() {
      paused = true;
      pauses++;
    }

    @Override
    public synchronized void resumeReading() {
      paused = false;
    }

    synchronized boolean isPaused() {
      return paused;
    }

    @Override
    public void close(int code, String reason) {
      synchronized (this) {
        if (!open) {
          return;
        }
        open = false;
        closeCode = code;
      }
      if (listener != null) {
        listener.onClose(code, reason);
      }
    }

    void receive(String text) {
      synchronized (this) {
        if (paused) {
          throw new IllegalStateException("reading is paused");
        }
      }
      listener.onMessage(Packed.text(text));
    }

    synchronized List<String> frames() {
      return List.copyOf(frames);
    }
  }

  /** A held poll. */
  static final class FakePoll implements LongPollChannel {
    String body;
    boolean gone;
    final List<Runnable> goneActions = new ArrayList<>();

    @Override
    public synchronized boolean isOpen() {
      return body == null && !gone;
    }

    @Override
    public synchronized boolean complete(Packed packed) {
      if (!isOpen()) {
        return false;
      }
      body = packed.toString();
      return true;
    }

    @Override
    public void onGone(Runnable action) {
      boolean now;
      synchronized (this) {
        now = gone;
        if (!now) {
          goneActions.add(action);
        }
      }
      if (now) {
        action.run();
      }
    }

    /** The client went away, and the adapter has not noticed yet: no gone action runs. */
    synchronized void goneUnnoticed() {
      gone = true;
    }

    void clientGoesAway() {
      synchronized (this) {
        gone = true;
      }
      goneActions.forEach(Runnable::run);
    }
  }
}
