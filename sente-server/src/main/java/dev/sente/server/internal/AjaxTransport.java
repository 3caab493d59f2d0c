package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.internal.LogLimiter;
import dev.sente.server.ConnectedUsers;
import dev.sente.server.Rejection;
import dev.sente.server.Transport;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The Ajax transport: GET handshakes and long-polls, POST sends. A held poll is a one-shot channel:
 * a push, a replacement by a newer poll, or the long-poll timeout completes it, and the client
 * polls again at once. Between polls the client keeps its place for the Ajax grace period, and
 * pushes made meanwhile wait for its next poll.
 */
final class AjaxTransport implements LocalDelivery {
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
    ClientEntry entry;
    Object grant = null;
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
        grant = resume.grant(entry, entry.request, () -> resumeWoken(woken));
      } else {
        entry = null;
      }
    }
    if (entry != null) {
      if (grant != null) {
        engine.ensureLogSweeps();
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
    List<Event> pending;
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
      pending = entry.takePending();
      answer = resume.poll(entry, entry.request);
      if (answer != null) {
        releasePoll(entry); // answered at once: a wake-up finds no poll to answer again
      } else if (pending.isEmpty()) {
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
    presence.usersChanged(change, entry, before, after);
    if (answer != null) {
      complete(entry, channel, resume.frame(answer), List.of());
    } else if (!pending.isEmpty()) {
      complete(entry, channel, engine.protocol().push(pending), pending);
    }
    ClientEntry held = entry;
    channel.onGone(() -> pollEnded(held, channel));
  }

  /**
   * The wake-up of a resume client's cursor: an append to its user's stream. Answers the held poll
   * with what lies after the cursor; without a held poll it does nothing (the next poll reads).
   */
  private void resumeWoken(ClientEntry entry) {
    LongPollChannel channel;
    AjaxResume.Answer answer;
    synchronized (registry) {
      channel = entry.poll;
      if (channel == null || (answer = resume.wake(entry)) == null) {
        return;
      }
      releasePoll(entry);
    }
    complete(entry, channel, resume.frame(answer), List.of());
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
      synchronized (registry) {
        presence.keepPending(entry, events, WsConnection.weight(body));
      }
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

  /**
   * Pushes a batch to the held polls of the user's clients, or keeps it for their next poll. One
   * lock for all of them: each held poll is taken (it ends with this push, and the client's grace
   * period starts) before its response is written outside the lock.
   */
  @Override
  public void deliver(String userId, List<Event> events, Packed packed) {
    List<ClientEntry> entries = new ArrayList<>(2);
    List<LongPollChannel> polls = new ArrayList<>(2);
    synchronized (registry) {
      for (ClientEntry entry : registry.clientsView(Transport.AJAX, userId)) {
        if (entry.resumeCursor != null) {
          continue; // it reads the user's stream in the delivery log
        }
        LongPollChannel channel = entry.poll;
        if (channel == null) {
          presence.keepPending(entry, events, WsConnection.weight(packed)); // for the next poll
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
          presence.keepPending(
              entries.get(i), events, WsConnection.weight(packed)); // gone meanwhile
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
