package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Cancellable;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.Rejection;
import dev.sente.server.Transport;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ajax transport: GET handshakes and long-polls, POST sends. A held poll is a one-shot channel:
 * a push, a replacement by a newer poll, or the long-poll timeout completes it, and the client
 * polls again at once. Between polls the client keeps its place for the Ajax grace period, and
 * pushes made meanwhile wait for its next poll.
 */
final class AjaxHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AjaxHandler.class);
  private final Engine engine;
  private final HeldPolls held;

  AjaxHandler(Engine engine) {
    this.engine = engine;
    this.held = new HeldPolls(engine.config().maxHeldPolls(), engine::now);
  }

  /** The long-polls held now. */
  int heldPolls() {
    return held.count();
  }

  // ---- GET: handshake or long-poll

  void handleGet(HttpExchange exchange, String userId, String clientId) {
    boolean handshake = exchange.queryParam("handshake?").isPresent();
    Registry registry = engine.registry;
    ClientEntry entry;
    synchronized (registry) {
      entry = registry.find(Transport.AJAX, userId, clientId);
      if (handshake || entry == null || entry.rehandshake) {
        entry =
            registry.findOrCreate(
                Transport.AJAX,
                userId,
                clientId,
                () -> new ClientEntry(Transport.AJAX, userId, clientId, engine.serialExecutor()));
        entry.request = exchange.detached();
        entry.rehandshake = false;
        if (entry.poll == null) {
          engine.armGrace(entry, engine.config().ajaxGraceMillis());
        }
      } else {
        entry = null;
      }
    }
    if (entry != null) {
      exchange.respond(200, engine.handshake(userId, exchange));
      return;
    }
    poll(exchange, userId, clientId);
  }

  private void poll(HttpExchange exchange, String userId, String clientId) {
    Registry registry = engine.registry;
    boolean replacing;
    synchronized (registry) {
      ClientEntry existing = registry.find(Transport.AJAX, userId, clientId);
      replacing = existing != null && existing.poll != null;
    }
    if (!held.tryTake(replacing)) {
      held.refused();
      engine.reject(
          exchange,
          new Rejection(
              503,
              "Too many held long-polls: this server holds at most "
                  + held.limit()
                  + "; try again later"));
      return;
    }
    LongPollChannel channel;
    try {
      channel = held.track(exchange.hold());
    } catch (RuntimeException e) {
      held.giveBack();
      throw e;
    }
    ClientEntry entry;
    LongPollChannel replaced;
    List<Event> pending;
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      before = engine.snapshotIfListened();
      entry =
          registry.findOrCreate(
              Transport.AJAX,
              userId,
              clientId,
              () -> new ClientEntry(Transport.AJAX, userId, clientId, engine.serialExecutor()));
      replaced = entry.poll;
      entry.poll = channel;
      entry.request = exchange.detached();
      entry.grace.clear();
      change = registry.markConnected(entry);
      after = change == Registry.UserChange.NONE ? null : engine.snapshotIfListened();
      pending = entry.takePending();
      if (pending.isEmpty()) {
        if (entry.pollTask == null) {
          ClientEntry held = entry;
          entry.pollTask = () -> pollTimedOut(held);
        }
        entry.pollTimeout.set(
            engine.scheduler(), engine.config().longPollTimeoutMillis(), entry.pollTask);
      } else {
        entry.pollTimeout.clear();
      }
    }
    if (replaced != null) {
      replaced.complete(engine.protocol().timeout());
    }
    engine.usersChanged(change, entry, before, after);
    if (!pending.isEmpty()) {
      complete(entry, channel, engine.protocol().push(pending), pending);
    }
    ClientEntry held = entry;
    channel.onGone(() -> pollEnded(held, channel));
  }

  /** The poll timeout's timer: answers the held poll with the timeout once it is due. */
  private void pollTimedOut(ClientEntry entry) {
    LongPollChannel channel;
    synchronized (engine.registry) {
      if (!entry.pollTimeout.fired(engine.scheduler())) {
        return;
      }
      channel = entry.poll;
    }
    if (channel != null) {
      complete(entry, channel, engine.protocol().timeout(), List.of());
    }
  }

  /**
   * Completes the poll with a body; when the poll is no longer there, the events (if any) wait for
   * the next one.
   */
  private void complete(
      ClientEntry entry, LongPollChannel channel, Packed body, List<Event> events) {
    if (channel.complete(body)) {
      pollEnded(entry, channel);
    } else if (!events.isEmpty()) {
      synchronized (engine.registry) {
        engine.keepPending(entry, events, WsConnection.weight(body));
      }
    }
  }

  private void pollEnded(ClientEntry entry, LongPollChannel channel) {
    synchronized (engine.registry) {
      if (entry.poll != channel) {
        return;
      }
      releasePoll(entry);
    }
  }

  /**
   * The client's held poll ends: its timeout no longer applies and its grace period starts. Call
   * holding the registry lock.
   */
  private void releasePoll(ClientEntry entry) {
    entry.poll = null;
    entry.pollTimeout.clear();
    if (!engine.isClosed()) {
      engine.armGrace(entry, engine.config().ajaxGraceMillis());
    }
  }

  /**
   * Pushes a batch to the held polls of the user's clients, or keeps it for their next poll. One
   * lock for all of them: each held poll is taken (it ends with this push, and the client's grace
   * period starts) before its response is written outside the lock.
   */
  void deliver(String userId, List<Event> events, Packed packed) {
    List<ClientEntry> entries = new ArrayList<>(2);
    List<LongPollChannel> polls = new ArrayList<>(2);
    Registry registry = engine.registry;
    synchronized (registry) {
      for (ClientEntry entry : registry.clientsView(Transport.AJAX, userId)) {
        LongPollChannel channel = entry.poll;
        if (channel == null) {
          engine.keepPending(entry, events, WsConnection.weight(packed)); // for the next poll
          continue;
        }
        releasePoll(entry); // this push ends it
        entries.add(entry);
        polls.add(channel);
      }
    }
    for (int i = 0; i < polls.size(); i++) {
      if (!polls.get(i).complete(packed)) {
        synchronized (registry) {
          engine.keepPending(entries.get(i), events, WsConnection.weight(packed)); // gone meanwhile
        }
      }
    }
  }

  /** Answers the held poll with the idle timeout; true when one was held. */
  boolean endPoll(ClientEntry entry) {
    return endPoll(entry, false);
  }

  /**
   * Sente's {@code [:chsk/close]} for an Ajax client: its held poll is answered, and its next GET
   * gets a fresh handshake (the user id resolved again), as a reconnect would. The client stays
   * connected meanwhile, so no disconnect/connect pair is seen. True when a poll was held.
   */
  boolean closeClient(ClientEntry entry) {
    return endPoll(entry, true);
  }

  private boolean endPoll(ClientEntry entry, boolean rehandshake) {
    LongPollChannel channel;
    synchronized (engine.registry) {
      channel = entry.poll;
      if (rehandshake) {
        entry.rehandshake = true;
      }
    }
    if (channel == null) {
      return false;
    }
    boolean done = channel.complete(engine.protocol().timeout());
    pollEnded(entry, channel);
    return done;
  }

  // ---- POST: one event, answered with the reply, the dummy reply or the timeout

  void handlePost(HttpExchange exchange) {
    Optional<Rejection> rejection = engine.security().check(exchange);
    if (rejection.isPresent()) {
      engine.reject(exchange, rejection.get());
      return;
    }
    long max = engine.config().maxMessageBytes();
    exchange.readBody(
        max,
        new HttpExchange.BodyCallback() {
          @Override
          public void completed(byte[] body) {
            try {
              post(exchange, body);
            } catch (RuntimeException e) {
              LOG.error("Failed to handle an Ajax POST", e);
              engine.reject(exchange, new Rejection(500, "Internal server error"));
            }
          }

          @Override
          public void tooLarge() {
            long skipped = engine.ajaxInputLog().acquire();
            if (skipped >= 0) {
              LOG.info(
                  "Refused an Ajax POST from {}: body over {} bytes{}",
                  exchange.remoteAddress(),
                  max,
                  LogLimiter.note(skipped));
            }
            engine.reject(
                exchange, new Rejection(413, "Request body larger than " + max + " bytes"));
          }

          @Override
          public void failed(Throwable cause) {
            if (LOG.isDebugEnabled()) {
              LOG.debug("Ajax POST body from {} failed: {}", exchange.remoteAddress(), safe(cause));
            }
          }
        });
  }

  private void post(HttpExchange exchange, byte[] body) {
    Packed packed;
    Optional<String> clientId;
    if (exchange.queryParam("binary?").isPresent()) {
      packed = Packed.binary(body);
      clientId = exchange.clientId();
    } else {
      Map<String, String> form;
      try {
        form = Forms.parse(new String(body, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        engine.reject(exchange, new Rejection(400, "Malformed form body: " + e.getMessage()));
        return;
      }
      clientId = Optional.ofNullable(form.get("client-id")).filter(s -> !s.isBlank());
      String ppstr = form.get("ppstr");
      if (ppstr == null) {
        engine.reject(exchange, new Rejection(400, "Missing ppstr: the form carries no event"));
        return;
      }
      packed = Packed.text(ppstr);
    }
    if (clientId.isEmpty()) {
      engine.reject(exchange, Engine.missingClientId());
      return;
    }
    PostRequest request = new PostRequest(exchange, clientId);
    String userId = engine.resolveUser(request);
    Protocol.Frame frame;
    try {
      frame = engine.protocol().read(packed);
    } catch (PackException e) {
      engine.warnAjaxInput("Malformed event", clientId.get(), userId, e.getMessage());
      engine.reject(exchange, new Rejection(400, "Malformed ppstr: " + e.getMessage()));
      return;
    }
    String client = clientId.get();
    Event event =
        engine.clientEvent(
            frame.payload(),
            id ->
                engine.warnAjaxInput(
                    "Reserved event id (delivered as chsk/bad-event)", client, userId, id));
    SerialExecutor handlers;
    synchronized (engine.registry) {
      ClientEntry entry = engine.registry.find(Transport.AJAX, userId, clientId.get());
      if (entry == null) {
        // a client that posts before (or without) a handshake: its events, too, wait in one
        // bounded queue, kept for the Ajax grace period; its first GET still gets the handshake
        entry =
            engine.registry.findOrCreate(
                Transport.AJAX,
                userId,
                clientId.get(),
                () ->
                    new ClientEntry(
                        Transport.AJAX, userId, clientId.get(), engine.serialExecutor()));
        entry.request = request;
        entry.rehandshake = true;
        engine.armGrace(entry, engine.config().ajaxGraceMillis());
      }
      handlers = entry.handlers;
    }
    // answered once, by the reply, the reply timeout, the dummy reply or the refusal
    AtomicBoolean answered = new AtomicBoolean();
    Cancellable timer = null;
    Predicate<Object> reply = null;
    if (frame.hasCallback()) {
      timer =
          engine
              .scheduler()
              .schedule(
                  engine.config().longPollTimeoutMillis(),
                  () -> {
                    if (answered.compareAndSet(false, true)) {
                      exchange.respond(200, engine.protocol().timeout());
                    }
                  });
      Cancellable replyTimer = timer;
      reply =
          value -> {
            Packed answer = engine.packReply(value, null);
            if (!answered.compareAndSet(false, true)) {
              return false;
            }
            replyTimer.cancel();
            exchange.respond(200, answer);
            return true;
          };
    }
    Message message =
        new Message(
            event,
            userId,
            clientId.get(),
            request,
            Transport.AJAX,
            engine.protocol().packer(),
            reply);
    if (!engine.offer(handlers, message)) {
      if (timer != null) {
        timer.cancel();
      }
      if (answered.compareAndSet(false, true)) {
        refuseFull(exchange);
      }
      return;
    }
    if (!frame.hasCallback() && answered.compareAndSet(false, true)) {
      exchange.respond(200, engine.protocol().dummyReply());
    }
  }

  /** Logged at most once per this many milliseconds, with the count refused meanwhile. */
  static final long FULL_LOG_INTERVAL_MILLIS = 10_000;

  private final java.util.concurrent.atomic.AtomicLong nextFullLog =
      new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
  private final java.util.concurrent.atomic.AtomicLong refusedSinceLog =
      new java.util.concurrent.atomic.AtomicLong();

  /** A POST that finds its client's handler queue full: 429, logged at a bounded rate. */
  private void refuseFull(HttpExchange exchange) {
    int limit = engine.config().maxInboundEvents();
    long refused = refusedSinceLog.incrementAndGet();
    long now = engine.now();
    long next = nextFullLog.get();
    if (now >= next && nextFullLog.compareAndSet(next, now + FULL_LOG_INTERVAL_MILLIS)) {
      refusedSinceLog.addAndGet(-refused);
      LOG.warn(
          "Refused {} Ajax event(s) with 429 since the last such warning (at most one per {} s):"
              + " their clients already had {} events waiting for their handlers"
              + " (maxInboundEvents)",
          refused,
          FULL_LOG_INTERVAL_MILLIS / 1000,
          limit);
    }
    engine.reject(
        exchange,
        new Rejection(
            429,
            "Too many events waiting for this client's handlers (maxInboundEvents "
                + limit
                + "): retry later"));
  }
}
