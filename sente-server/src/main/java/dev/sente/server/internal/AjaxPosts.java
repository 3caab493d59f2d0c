package dev.sente.server.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import dev.sente.core.concurrent.SerialExecutor;
import dev.sente.core.internal.LogLimiter;
import dev.sente.core.time.Cancellable;
import dev.sente.server.Rejection;
import dev.sente.server.Transport;
import dev.sente.server.spi.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ajax POSTs: one event each, answered with its reply, the dummy reply, the reply timeout, or
 * 429 when the client's handler queue is full. Bad input is logged a few lines a minute for all
 * Ajax clients together (a POST carries its own client id, so a count per client would be the
 * attacker's to grow).
 */
final class AjaxPosts {
  private static final Logger LOG = LoggerFactory.getLogger(AjaxPosts.class);
  private final Engine engine;
  private final Registry registry;
  private final Presence presence;
  private final LogLimiter inputLog;

  /** A full handler queue's 429 is logged at most once per this many milliseconds, with a count. */
  static final long FULL_LOG_INTERVAL_MILLIS = 10_000;

  private final LogLimiter fullLog;

  AjaxPosts(Engine engine, Registry registry, Presence presence) {
    this.engine = engine;
    this.registry = registry;
    this.presence = presence;
    this.inputLog = LogLimiter.perMinute(engine::now);
    this.fullLog = new LogLimiter(1, FULL_LOG_INTERVAL_MILLIS, engine::now);
  }

  /** The bound on log lines about bad Ajax input. */
  LogLimiter inputLog() {
    return inputLog;
  }

  /** Logs bad input from an Ajax client, escaped, within {@link #inputLog}. */
  private void warnInput(String what, String clientId, String userId, Object detail) {
    long skipped = inputLog.acquire();
    if (skipped >= 0) {
      LOG.warn(
          "{} from Ajax client {} (user {}): {}{}",
          what,
          safe(clientId),
          safe(userId),
          safe(detail),
          LogLimiter.note(skipped));
    }
  }

  // ---- POST: one event, answered with the reply, the dummy reply or the timeout

  void handle(HttpExchange exchange) {
    Optional<Rejection> rejection = engine.security().check(exchange);
    if (rejection.isPresent()) {
      Requests.reject(exchange, rejection.get());
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
              Requests.reject(exchange, new Rejection(500, "Internal server error"));
            }
          }

          @Override
          public void tooLarge() {
            long skipped = inputLog.acquire();
            if (skipped >= 0) {
              LOG.info(
                  "Refused an Ajax POST from {}: body over {} bytes{}",
                  exchange.remoteAddress(),
                  max,
                  LogLimiter.note(skipped));
            }
            Requests.reject(
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
        Requests.reject(exchange, new Rejection(400, "Malformed form body: " + e.getMessage()));
        return;
      }
      clientId = Optional.ofNullable(form.get("client-id")).filter(s -> !s.isBlank());
      String ppstr = form.get("ppstr");
      if (ppstr == null) {
        Requests.reject(exchange, new Rejection(400, "Missing ppstr: the form carries no event"));
        return;
      }
      packed = Packed.text(ppstr);
    }
    if (clientId.isEmpty()) {
      Requests.reject(exchange, Requests.missingClientId());
      return;
    }
    PostRequest request = new PostRequest(exchange, clientId);
    String userId = engine.requests().resolveUser(request);
    Protocol.Frame frame;
    try {
      frame = engine.protocol().read(packed);
    } catch (PackException e) {
      warnInput("Malformed event", clientId.get(), userId, e.getMessage());
      Requests.reject(exchange, new Rejection(400, "Malformed ppstr: " + e.getMessage()));
      return;
    }
    String client = clientId.get();
    Event event =
        engine
            .input()
            .clientEvent(
                frame.payload(),
                id ->
                    warnInput(
                        "Reserved event id (delivered as chsk/bad-event)", client, userId, id));
    SerialExecutor handlers;
    synchronized (registry) {
      ClientEntry entry = registry.find(Transport.AJAX, userId, clientId.get());
      if (entry == null) {
        // a client that posts before (or without) a handshake: its events, too, wait in one
        // bounded queue, kept for the Ajax grace period; its first GET still gets the handshake
        entry =
            registry.findOrCreate(
                Transport.AJAX,
                userId,
                clientId.get(),
                () ->
                    new ClientEntry(
                        Transport.AJAX, userId, clientId.get(), engine.serialExecutor()));
        entry.request = request;
        entry.rehandshake = true;
        presence.armGrace(entry, engine.config().ajaxGraceMillis());
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
            Packed answer = engine.input().packReply(value, null);
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
    if (!frame.hasCallback() && numbered(exchange)) {
      postNumbered(exchange, message, handlers);
      return;
    }
    if (!engine.input().offer(handlers, message)) {
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

  /** Whether a POST without a callback carries a client sequence number that resume handles. */
  private boolean numbered(HttpExchange exchange) {
    return engine.config().resume()
        && exchange.queryParam("cseq").isPresent()
        && WsConnection.asksResume(exchange);
  }

  /**
   * A numbered event: handed to the handlers in its turn, once (a POST sent again after its answer
   * was lost is a duplicate, dropped), answered with the dummy reply once it is handled or waits
   * for an earlier one; 429 when its turn came and the handler queue was full, or when {@code
   * maxInboundEvents} later ones already wait for an earlier one (not handled: the client sends it
   * again); 400 for an unreadable number or epoch.
   */
  private void postNumbered(HttpExchange exchange, Message message, SerialExecutor handlers) {
    long cseq = ClientSequences.number(exchange.queryParam("cseq").orElse(""));
    String epoch = ClientSequences.epoch(exchange.queryParam("cepoch").orElse(null));
    if (cseq < 0 || epoch == null) {
      warnInput(
          "Unreadable cseq or cepoch",
          message.clientId(),
          message.userId(),
          exchange.queryParam("cseq").orElse(""));
      Requests.reject(
          exchange,
          new Rejection(
              400,
              "Malformed cseq or cepoch: a whole number from 1, and 1 to 64 letters or digits"));
      return;
    }
    if (engine.clustered()) {
      if (handlers.queued() >= handlers.capacity()) {
        refuseFull(exchange); // before the claim: the client sends it again
        return;
      }
      postClaimed(
          exchange,
          message,
          handlers,
          engine.claim(message.userId(), message.clientId(), epoch, cseq),
          cseq,
          epoch);
      return;
    }
    postSequenced(exchange, message, handlers, cseq, epoch);
  }

  /**
   * In a cluster: the POSTs of one client reach any node, so the cluster says whether the event is
   * new (claimed once in the cluster) and the node hands it over at once, in the order its claims
   * came back; the order of one client's events is kept per node only. A full handler queue is a
   * 429 before the claim; without the cluster (Redis away) this node's own numbering decides.
   */
  private void postClaimed(
      HttpExchange exchange,
      Message message,
      SerialExecutor handlers,
      java.util.concurrent.CompletableFuture<Boolean> claim,
      long cseq,
      String epoch) {
    claim.whenComplete(
        (fresh, error) -> {
          if (error != null) {
            postSequenced(exchange, message, handlers, cseq, epoch);
            return;
          }
          if (fresh) {
            engine.input().dispatch(handlers, message); // claimed: past the bound checked above
          }
          exchange.respond(200, engine.protocol().dummyReply());
        });
  }

  private void postSequenced(
      HttpExchange exchange, Message message, SerialExecutor handlers, long cseq, String epoch) {
    ClientSequences.Seq seq = engine.sequences().find(message.userId(), message.clientId(), epoch);
    ClientSequences.Outcome outcome =
        seq.accept(
            cseq,
            message,
            new ClientSequences.Sink() {
              @Override
              public boolean offer(Message m) {
                return engine.input().offer(handlers, m);
              }

              @Override
              public void force(Message m) {
                engine.input().dispatch(handlers, m);
              }

              @Override
              public boolean refusable() {
                return true;
              }
            });
    if (outcome == ClientSequences.Outcome.REFUSED) {
      refuseFull(exchange);
    } else {
      exchange.respond(200, engine.protocol().dummyReply());
    }
  }

  /** A POST that finds its client's handler queue full: 429, logged at a bounded rate. */
  private void refuseFull(HttpExchange exchange) {
    int limit = engine.config().maxInboundEvents();
    long skipped = fullLog.acquire();
    if (skipped >= 0) {
      LOG.warn(
          "Refused {} Ajax event(s) with 429 since the last such warning (at most one per {} s):"
              + " their clients already had {} events waiting for their handlers"
              + " (maxInboundEvents)",
          skipped + 1,
          FULL_LOG_INTERVAL_MILLIS / 1000,
          limit);
    }
    Requests.reject(
        exchange,
        new Rejection(
            429,
            "Too many events waiting for this client's handlers (maxInboundEvents "
                + limit
                + "): retry later"));
  }
}
