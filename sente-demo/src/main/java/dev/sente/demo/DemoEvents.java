package dev.sente.demo;

import dev.sente.server.ConnectedUsers;
import dev.sente.server.EventMessage;
import dev.sente.server.SenteRequest;
import dev.sente.server.SenteServer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's events: what the page's buttons send and what the server pushes back.
 *
 * <ul>
 *   <li>{@code demo/hello}: logged, no reply.
 *   <li>{@code demo/echo}: replies with the data it got.
 *   <li>{@code demo/slow-echo} {@code {delayMs}}: replies after a delay (to show reply timeouts).
 *   <li>{@code demo/fail}: the handler throws, so the client gets {@code chsk/error}.
 *   <li>{@code demo/rapid-push}: pushes {@value #FAST_PUSHES} {@code demo/fast-push} events {@code
 *       {i: 0..99}} to the sender's user, as fast as it can.
 *   <li>{@code demo/count} {@code {n, perSecond}}: pushes {@code demo/count} {@code {i: 0..n-1, n}}
 *       to the sender's user at a steady rate (at most {@value #MAX_COUNT} events, {@value
 *       #MAX_COUNT_RATE} a second), so a page can break its connection meanwhile and see that
 *       nothing is lost; replies with {@code n} at once, or with {@code {error}} for bad input.
 *   <li>{@code demo/toggle-broadcast}: starts or stops the loop that pushes {@code demo/broadcast}
 *       to every connected user; everyone gets {@code demo/broadcast-state}.
 *   <li>{@code demo/chat} {@code {text}}: everyone gets {@code demo/chat-line} {@code {user, text,
 *       at}}.
 *   <li>{@code demo/kick-me}: the server closes every connection of the sender's user (they
 *       reconnect by themselves).
 * </ul>
 *
 * <p>{@link DemoTally} counts the numbered events a page sends ({@code demo/tally}). Everyone gets
 * {@code demo/users} when the connected users change; the handshake data carries the users, the
 * broadcast state and the recent chat lines, so a page is complete at once.
 */
final class DemoEvents implements AutoCloseable {

  static final int FAST_PUSHES = 100;
  static final int CHAT_HISTORY = 20;
  static final int MAX_CHAT_TEXT = 500;
  static final long MAX_DELAY_MS = 30_000;
  static final int MAX_COUNT = 10_000;
  static final int MAX_COUNT_RATE = 1_000;
  static final String ANONYMOUS_NAME = "anonymous";

  private static final Logger LOG = LoggerFactory.getLogger(DemoEvents.class);

  /** One chat line, as pushed. */
  record ChatLine(String user, String text, long at) {}

  /** One connected user and its transports ({@code "ws"}, {@code "ajax"}). */
  record UserView(String id, String name, boolean anonymous, List<String> transports) {}

  private final Duration broadcastInterval;
  private final String node;
  private final ScheduledExecutorService timers;
  private final Object lock = new Object();
  private final Deque<ChatLine> chat = new ArrayDeque<>(); // guarded by lock
  private ScheduledFuture<?> broadcastLoop; // guarded by lock
  private long broadcasts; // guarded by lock
  private volatile SenteServer sente;

  DemoEvents(Duration broadcastInterval) {
    this(broadcastInterval, null);
  }

  /** Events whose handshake data names the node ({@code node} null: one server, no name). */
  DemoEvents(Duration broadcastInterval, String node) {
    this.broadcastInterval = broadcastInterval;
    this.node = node;
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "sente-demo-timers");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Registers the handlers on the server; call once, right after building it. */
  void attach(SenteServer server) {
    this.sente = server;
    server.on("demo/hello", msg -> LOG.info("{} says hello: {}", name(msg.userId()), msg.data()));
    server.on("demo/echo", msg -> msg.reply(msg.data().orElse(null)));
    server.on("demo/slow-echo", this::slowEcho);
    server.on(
        "demo/fail",
        msg -> {
          throw new IllegalStateException("demo/fail: this handler fails on purpose");
        });
    server.on("demo/rapid-push", this::rapidPush);
    server.on("demo/count", this::count);
    server.on("demo/toggle-broadcast", this::toggleBroadcast);
    server.on("demo/chat", this::chat);
    server.on(
        "demo/kick-me",
        msg -> {
          int closed = server.disconnect(msg.userId());
          LOG.info("Closed {} connections of {} on request", closed, name(msg.userId()));
        });
    server.onConnectedUsersChange(change -> server.broadcast("demo/users", users(change.after())));
  }

  /** The handshake data: {@code {users, broadcasting, chat}}, and {@code node} in a cluster. */
  Object handshakeData(SenteRequest request) {
    SenteServer server = sente;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("users", server == null ? List.of() : users(server.connectedUsers()));
    if (node != null) {
      data.put("node", node);
    }
    synchronized (lock) {
      data.put("broadcasting", broadcastLoop != null);
      data.put("chat", List.copyOf(chat));
    }
    return data;
  }

  private void slowEcho(EventMessage msg) {
    long delay = 1000;
    if (msg.data().orElse(null) instanceof Map<?, ?> map
        && map.get("delayMs") instanceof Number number) {
      delay = Math.max(0, Math.min(MAX_DELAY_MS, number.longValue()));
    }
    Object data = msg.data().orElse(null);
    timers.schedule(() -> msg.reply(data), delay, TimeUnit.MILLISECONDS);
  }

  private void rapidPush(EventMessage msg) {
    for (int i = 0; i < FAST_PUSHES; i++) {
      sente.send(msg.userId(), "demo/fast-push", Map.of("i", i));
    }
    msg.reply(FAST_PUSHES);
  }

  private void count(EventMessage msg) {
    Map<?, ?> data = msg.data().orElse(null) instanceof Map<?, ?> m ? m : Map.of();
    int n = data.get("n") instanceof Number x ? x.intValue() : -1;
    int perSecond = data.get("perSecond") instanceof Number x ? x.intValue() : -1;
    if (n < 1 || n > MAX_COUNT || perSecond < 1 || perSecond > MAX_COUNT_RATE) {
      msg.reply(
          Map.of(
              "error",
              "demo/count needs {n: 1.." + MAX_COUNT + ", perSecond: 1.." + MAX_COUNT_RATE + "}"));
      return;
    }
    String user = msg.userId();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    int[] next = {0};
    ScheduledFuture<?>[] loop = new ScheduledFuture<?>[1];
    Runnable tick =
        () -> {
          int i;
          synchronized (next) {
            i = next[0]++;
            if (i >= n) {
              loop[0].cancel(false);
              return;
            }
          }
          sente.send(user, "demo/count", Map.of("i", i, "n", n));
        };
    synchronized (next) {
      loop[0] = timers.scheduleAtFixedRate(tick, 0, periodNanos, TimeUnit.NANOSECONDS);
    }
    LOG.info("Counting to {} for {}, {} a second", n, name(user), perSecond);
    msg.reply(n);
  }

  private void toggleBroadcast(EventMessage msg) {
    boolean on;
    synchronized (lock) {
      if (broadcastLoop == null) {
        long period = broadcastInterval.toMillis();
        broadcastLoop =
            timers.scheduleAtFixedRate(this::broadcastOnce, period, period, TimeUnit.MILLISECONDS);
      } else {
        broadcastLoop.cancel(false);
        broadcastLoop = null;
      }
      on = broadcastLoop != null;
    }
    LOG.info("{} turned the broadcast loop {}", name(msg.userId()), on ? "on" : "off");
    sente.broadcast("demo/broadcast-state", Map.of("on", on, "by", name(msg.userId())));
    msg.reply(Map.of("on", on));
  }

  private void broadcastOnce() {
    long n;
    synchronized (lock) {
      n = ++broadcasts;
    }
    Map<String, Object> data =
        Map.of("n", n, "at", System.currentTimeMillis(), "everyMs", broadcastInterval.toMillis());
    int users = sente.broadcast("demo/broadcast", data);
    LOG.debug("Broadcast {} reached {} users", n, users);
  }

  private void chat(EventMessage msg) {
    String text =
        msg.data().orElse(null) instanceof Map<?, ?> map && map.get("text") instanceof String s
            ? s.strip()
            : "";
    if (text.isEmpty() || text.length() > MAX_CHAT_TEXT) {
      msg.reply(Map.of("ok", false, "error", "A chat line has 1 to " + MAX_CHAT_TEXT + " chars"));
      return;
    }
    ChatLine line = new ChatLine(name(msg.userId()), text, System.currentTimeMillis());
    synchronized (lock) {
      chat.addLast(line);
      while (chat.size() > CHAT_HISTORY) {
        chat.removeFirst();
      }
    }
    sente.broadcast("demo/chat-line", line);
    msg.reply(Map.of("ok", true));
  }

  static List<UserView> users(ConnectedUsers connected) {
    List<UserView> out = new ArrayList<>();
    connected.any().stream()
        .sorted()
        .forEach(
            id -> {
              List<String> transports = new ArrayList<>(2);
              if (connected.webSocket().contains(id)) {
                transports.add("ws");
              }
              if (connected.ajax().contains(id)) {
                transports.add("ajax");
              }
              boolean anonymous = id.equals(SenteServer.ANONYMOUS_USER);
              out.add(new UserView(id, name(id), anonymous, List.copyOf(transports)));
            });
    return out;
  }

  static String name(String userId) {
    return userId.equals(SenteServer.ANONYMOUS_USER) ? ANONYMOUS_NAME : userId;
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}
