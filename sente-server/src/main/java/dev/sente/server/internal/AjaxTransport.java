package dev.sente.server.internal;

import dev.sente.core.Packed;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.Rejection;
import dev.sente.server.Transport;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import java.util.Map;

/**
 * The Ajax transport: GET handshakes and long-polls, POST sends. A held poll is a one-shot channel:
 * a push, a replacement by a newer poll, or the long-poll timeout completes it, and the client
 * polls again at once. Each client reads its user's stream in the delivery log through its cursor
 * ({@link AjaxResume}); between polls the client keeps its place for the Ajax grace period, and
 * pushes made meanwhile wait in the log for its next poll.
 */
final class AjaxTransport {
  private final Engine engine;
  private final Registry registry;
  private final Presence presence;
  private final HeldPolls held;
  private final AjaxPosts posts;
  private final AjaxResume resume;

  AjaxTransport(Engine engine, Registry registry, Presence presence) {
    this.engine = engine;
    this.registry = registry;
    this.presence = presence;
    this.held = new HeldPolls(engine.config().maxHeldPolls(), engine::now);
    this.posts = new AjaxPosts(engine, registry, presence);
    this.resume = new AjaxResume(engine);
  }

  /** The bound on log lines about bad Ajax input, shared by all Ajax clients. */
  LogLimiter inputLog() {
    return posts.inputLog();
  }

  /** Handles a POST: one event from a client. */
  void handlePost(HttpExchange exchange) {
    posts.handle(exchange);
  }

  /** The long-polls held now. */
  int heldPolls() {
    return held.count();
  }

  // ---- GET: handshake or long-poll

  void handleGet(HttpExchange exchange, String userId, String clientId) {
    boolean handshake = exchange.queryParam("handshake?").isPresent();
    Cursor pin = engine.clustered() ? pinIfOpening(exchange, userId, clientId, handshake) : null;
    try {
      handleGet(exchange, userId, clientId, handshake);
    } finally {
      if (pin != null) {
        pin.close();
      }
    }
  }

  /**
   * In a cluster: when this request will open a cursor (a handshake, or a client this node does not
   * know), the user's stream brought to the shared log first, outside the registry lock.
   */
  private Cursor pinIfOpening(
      HttpExchange exchange, String userId, String clientId, boolean handshake) {
    boolean opens;
    synchronized (registry) {
      ClientEntry known = registry.find(Transport.AJAX, userId, clientId);
      opens = handshake || known == null || known.cursor == null || known.rehandshake;
    }
    return opens
        ? engine.pinShared(
            userId, exchange, engine.config().resume() && WsConnection.asksResume(exchange))
        : null;
  }

  private void handleGet(HttpExchange exchange, String userId, String clientId, boolean handshake) {
    ClientEntry entry;
    Map<String, Object> grant = null;
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
          presence.armGrace(entry, engine.config().ajaxGraceMillis());
        }
        ClientEntry woken = entry;
        grant = resume.open(entry, entry.request, () -> woken(woken));
      } else {
        entry = null;
      }
    }
    if (entry != null) {
      if (grant != null) {
        engine.ensureLogSweeps(); // a retained window must age out even when nobody touches it
        engine.sequences().attach(userId, clientId, exchange, grant);
      }
      exchange.respond(200, engine.requests().handshake(userId, exchange, grant));
      return;
    }
    poll(exchange, userId, clientId);
  }

  private void poll(HttpExchange exchange, String userId, String clientId) {
    boolean replacing;
    synchronized (registry) {
      ClientEntry existing = registry.find(Transport.AJAX, userId, clientId);
      replacing = existing != null && existing.poll != null;
    }
    if (!held.tryTake(replacing)) {
      held.refused();
      Requests.reject(
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
    AjaxResume.Answer answer;
    Registry.UserChange change;
    ConnectedUsers before;
    ConnectedUsers after;
    synchronized (registry) {
      before = presence.snapshotIfListened();
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
      after = change == Registry.UserChange.NONE ? null : presence.snapshotIfListened();
      if (entry.cursor == null) { // a poll without a handshake before it: read from now on
        ClientEntry woken = entry;
        resume.open(entry, entry.request, () -> woken(woken));
      }
      answer = resume.poll(entry, entry.request);
      if (answer != null) {
        releasePoll(entry); // answered at once: a wake-up finds no poll to answer again
      } else {
        if (entry.pollTask == null) {
          ClientEntry held = entry;
          entry.pollTask = () -> pollTimedOut(held);
        }
        entry.pollTimeout.set(
            engine.scheduler(), engine.config().longPollTimeoutMillis(), entry.pollTask);
      }
    }
    if (replaced != null) {
      replaced.complete(engine.protocol().timeout());
    }
    presence.usersChanged(change, entry, before, after);
    if (answer != null) {
      complete(entry, channel, resume.frame(answer), answer);
    }
    ClientEntry held = entry;
    channel.onGone(() -> pollEnded(held, channel));
  }

  /**
   * The wake-up of a client's cursor: an append to its user's stream. Answers the held poll with
   * what lies after the cursor; without a held poll it does nothing (the next poll reads).
   */
  private void woken(ClientEntry entry) {
    LongPollChannel channel;
    AjaxResume.Answer answer;
    synchronized (registry) {
      channel = entry.poll;
      if (channel == null || (answer = resume.wake(entry)) == null) {
        return;
      }
      releasePoll(entry);
    }
    complete(entry, channel, resume.frame(answer), answer);
  }

  /** The poll timeout's timer: answers the held poll with the timeout once it is due. */
  private void pollTimedOut(ClientEntry entry) {
    LongPollChannel channel;
    synchronized (registry) {
      if (!entry.pollTimeout.fired(engine.scheduler())) {
        return;
      }
      channel = entry.poll;
    }
    if (channel != null) {
      complete(entry, channel, engine.protocol().timeout(), null);
    }
  }

  /**
   * Completes the poll with a body. Written: the events of {@code answer} (null for none) are
   * acknowledged, and may leave the log unless it retains them for a resume client. Not written
   * (the poll was gone): the cursor goes back to what was acknowledged, so the next poll reads them
   * again.
   */
  private void complete(
      ClientEntry entry, LongPollChannel channel, Packed body, AjaxResume.Answer answer) {
    if (channel.complete(body)) {
      if (answer != null) {
        answer.cursor().acknowledge(answer.batch().lastSeq());
      }
      pollEnded(entry, channel);
    } else if (answer != null) {
      answer.cursor().rewind();
    }
  }

  private void pollEnded(ClientEntry entry, LongPollChannel channel) {
    synchronized (registry) {
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
      presence.armGrace(entry, engine.config().ajaxGraceMillis());
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
    synchronized (registry) {
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

  /** Answers the held polls of the user's clients; their next GET gets a handshake. */
  int disconnect(String userId) {
    return registry.forEachClient(Transport.AJAX, userId, this::closeClient);
  }
}
