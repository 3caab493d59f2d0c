package dev.sente.client.internal;

import dev.sente.client.CloseReason;
import dev.sente.client.ReplyErrorException;
import dev.sente.client.ReplyTimeoutException;
import dev.sente.client.SenteClientBuilder;
import dev.sente.client.Transport;
import dev.sente.core.Event;
import dev.sente.core.PackException;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Ajax session (docs/protocol.md, the Ajax transport): a handshake GET, then one long-poll GET
 * at a time, each answered by a push, {@code chsk/timeout} or a new handshake and followed at once
 * by the next; each client event is one POST whose response is the reply. Guarded by the client's
 * lock.
 */
final class AjaxSession implements Session {
  private static final Logger LOG = LoggerFactory.getLogger(AjaxSession.class);

  private static final Duration POST_TIMEOUT_MARGIN = Duration.ofSeconds(5);

  /** How long a numbered event's POST waits before it is sent again after a 429 or 5xx. */
  static final long RETRY_MILLIS = 250;

  /** At most this many numbered events' POSTs are in flight at once. */
  static final int POST_WINDOW = 16;

  private final TreeSet<Long> toPost = new TreeSet<>();
  private int numberedInFlight;

  private static final String FORM = "application/x-www-form-urlencoded;charset=UTF-8";

  private final SessionContext ctx;
  private final Protocol protocol;
  private CompletableFuture<Wire.Response> poll;
  private int postsInFlight;
  private boolean handshaken;
  private boolean closed;
  private boolean polling;
  private boolean pollWanted;

  AjaxSession(SessionContext ctx) {
    this.ctx = ctx;
    this.protocol = ctx.protocol();
  }

  @Override
  public Transport type() {
    return Transport.AJAX;
  }

  @Override
  public void start() {
    requestPoll();
  }

  @Override
  public boolean send(Event event, long cseq) {
    if (cseq <= 0) {
      return post(protocol.clientEvent(event, null), null, 0);
    }
    if (closed) {
      return false;
    }
    toPost.add(cseq);
    postNumbered();
    return true;
  }

  /**
   * Posts the numbered events that wait, lowest number first, at most {@link #POST_WINDOW} at a
   * time and none {@code POST_WINDOW} or more past the lowest unconfirmed one: parallel POSTs may
   * arrive in any order, and the server waits for the earlier ones of at most its {@code
   * maxInboundEvents} (32 by default).
   */
  private void postNumbered() {
    Outbox outbox = ctx.resume().outbox();
    while (!closed && numberedInFlight < POST_WINDOW && !toPost.isEmpty()) {
      long cseq = toPost.first();
      Event event = outbox.unconfirmed(cseq);
      if (event == null) {
        toPost.pollFirst(); // confirmed meanwhile
        continue;
      }
      if (cseq >= outbox.lowestUnconfirmed() + POST_WINDOW) {
        return; // an earlier one is still on its way: the server would have to hold more
      }
      toPost.pollFirst();
      numberedInFlight++;
      if (!post(protocol.clientEvent(event, null), null, cseq)) {
        numberedInFlight--;
        toPost.add(cseq);
        return;
      }
    }
  }

  @Override
  public PendingRequest request(Event event, Duration timeout) {
    Packed frame = protocol.clientEvent(event, protocol.ajaxMarker());
    PendingRequest request = ctx.requests().start(this, event.id(), timeout);
    if (!post(frame, request, 0)) {
      ctx.requests().fail(request, new ReplyErrorException("Too many requests in flight"));
    }
    return request;
  }

  @Override
  public void close(CloseReason reason) {
    closeWith(CloseInfo.of(reason, ""));
  }

  // ---- polls: a loop rather than recursion, for responses that complete on this thread

  private void requestPoll() {
    pollWanted = true;
    if (polling) {
      return;
    }
    polling = true;
    try {
      while (pollWanted && !closed) {
        pollWanted = false;
        issuePoll();
      }
    } finally {
      polling = false;
    }
  }

  private void issuePoll() {
    boolean handshake = !handshaken;
    Optional<String> csrf = ctx.csrfToken();
    Wire.Request request =
        new Wire.Request(
            "GET",
            Urls.ajaxGet(ctx.config(), handshake, System.currentTimeMillis(), ctx.resume().query()),
            Urls.headers(ctx.config(), true, csrf),
            new byte[0],
            handshake ? ctx.config().connectTimeout() : SenteClientBuilder.AJAX_POLL_TIMEOUT);
    CompletableFuture<Wire.Response> sent = exchange(request);
    poll = sent;
    sent.whenComplete(
        (response, error) -> {
          synchronized (ctx.lock()) {
            if (!closed && poll == sent) {
              poll = null;
              polled(response, error, handshake);
            }
          }
        });
  }

  private void polled(Wire.Response response, Throwable error, boolean wasHandshake) {
    if (error != null) {
      Throwable cause = SessionContext.unwrap(error);
      if (cause instanceof CancellationException) {
        return;
      }
      if (cause instanceof HttpTimeoutException && !wasHandshake) {
        requestPoll(); // Sente: a poll that timed out on the client is repeated at once
        return;
      }
      closeWith(CloseInfo.of(CloseReason.UNEXPECTED, SessionContext.describe(cause)));
      return;
    }
    if (response.status() != 200) {
      closeWith(refused(response));
      return;
    }
    Protocol.Frame frame;
    Optional<Protocol.Handshake> handshake;
    try {
      frame = protocol.read(ctx.packed(response.body()));
      handshake = protocol.readHandshake(frame.payload());
    } catch (PackException e) {
      closeWith(
          new CloseInfo(
              CloseReason.ERROR,
              OptionalInt.of(200),
              "Unreadable poll response: " + e.getMessage()));
      return;
    }
    if (handshake.isPresent()) {
      handshaken = true;
      ctx.listener().onHandshake(this, handshake.get(), frame.meta());
    } else if (!protocol.isKeyword(frame.payload(), Protocol.TIMEOUT)) {
      ctx.listener().onEvents(this, Incoming.events(protocol, frame.payload()), frame.meta());
    }
    requestPoll();
  }

  // ---- POSTs

  private boolean post(Packed frame, PendingRequest request, long cseq) {
    if (closed || postsInFlight >= ctx.config().maxQueuedFrames()) {
      return false;
    }
    long udt = System.currentTimeMillis();
    boolean binary = protocol.packer().binary();
    Map<String, String> headers =
        new java.util.LinkedHashMap<>(Urls.headers(ctx.config(), true, ctx.csrfToken()));
    byte[] body;
    if (binary) {
      headers.put("Content-Type", "application/octet-stream");
      body = frame.bytes();
    } else {
      headers.put("Content-Type", FORM);
      body =
          Urls.postForm(ctx.config(), udt, ((Packed.Text) frame).text())
              .getBytes(StandardCharsets.UTF_8);
    }
    Duration timeout =
        request == null
            ? SenteClientBuilder.AJAX_POLL_TIMEOUT
            : request.timeout.plus(POST_TIMEOUT_MARGIN);
    Wire.Request post =
        new Wire.Request(
            "POST",
            Urls.ajaxPost(ctx.config(), binary, udt, ctx.resume().ask(cseq)),
            headers,
            body,
            timeout);
    CompletableFuture<Wire.Response> sent = exchange(post);
    postsInFlight++;
    if (request != null) {
      request.onDone = () -> sent.cancel(true);
    }
    sent.whenComplete(
        (response, error) -> {
          synchronized (ctx.lock()) {
            postsInFlight--;
            if (cseq > 0) {
              numberedInFlight--;
              postedNumbered(response, error, cseq);
              postNumbered();
            } else {
              posted(response, error, request);
            }
          }
        });
    return true;
  }

  /**
   * A numbered event's POST came back: a 200 means the server has it (handled, or waiting for an
   * earlier one); 429 or a 5xx status, or no answer in time, and it is posted again shortly (the
   * server drops it if it had it after all); a failed connection closes the session, and the event
   * goes again after the next handshake; any other status means the server will not take it, which
   * is logged and the event dropped.
   */
  private void postedNumbered(Wire.Response response, Throwable error, long cseq) {
    Outbox outbox = ctx.resume().outbox();
    if (error != null) {
      Throwable cause = SessionContext.unwrap(error);
      if (cause instanceof CancellationException) {
        return;
      }
      if (cause instanceof HttpTimeoutException) {
        postAgain(cseq);
        return;
      }
      closeWith(
          CloseInfo.of(CloseReason.UNEXPECTED, "POST failed: " + SessionContext.describe(cause)));
      return;
    }
    int status = response.status();
    if (status == 200) {
      outbox.confirm(cseq);
    } else if (status == 429 || status >= 500) {
      postAgain(cseq);
    } else {
      outbox.confirm(cseq);
      LOG.warn("The server refused an event with HTTP {}; it was dropped", status);
      if (status == 401 || status == 403) {
        closeWith(refused(response));
      }
    }
  }

  private void postAgain(long cseq) {
    ctx.schedule(
        RETRY_MILLIS,
        () -> {
          if (!closed) {
            toPost.add(cseq);
            postNumbered();
          }
        });
  }

  private void posted(Wire.Response response, Throwable error, PendingRequest request) {
    Requests requests = ctx.requests();
    if (error != null) {
      Throwable cause = SessionContext.unwrap(error);
      if (cause instanceof CancellationException) {
        return;
      }
      if (cause instanceof HttpTimeoutException) {
        if (request != null) {
          requests.fail(
              request, new ReplyTimeoutException("The POST of " + request.eventId + " timed out"));
        }
        return;
      }
      String detail = "POST failed: " + SessionContext.describe(cause);
      if (request != null) {
        requests.fail(request, new ReplyErrorException(detail));
      }
      closeWith(CloseInfo.of(CloseReason.UNEXPECTED, detail));
      return;
    }
    int status = response.status();
    if (status != 200) {
      if (request != null) {
        requests.fail(request, new ReplyErrorException("POST answered HTTP " + status, status));
      }
      if (status == 401 || status == 403) {
        closeWith(refused(response));
      }
      return;
    }
    if (request == null) {
      return;
    }
    try {
      Object value = protocol.read(ctx.packed(response.body())).payload();
      if (protocol.isKeyword(value, Protocol.DUMMY_REPLY)) {
        requests.fail(
            request, new ReplyErrorException("The server sent no reply (it saw no callback)"));
      } else {
        requests.resolve(request, value);
      }
    } catch (PackException e) {
      requests.fail(request, new ReplyErrorException("Unreadable reply: " + e.getMessage(), 200));
    }
  }

  private CompletableFuture<Wire.Response> exchange(Wire.Request request) {
    try {
      return ctx.wire().exchange(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CloseInfo refused(Wire.Response response) {
    int status = response.status();
    CloseReason reason =
        status == 401 || status == 403 ? CloseReason.REJECTED : CloseReason.UNEXPECTED;
    String body = new String(response.body(), StandardCharsets.UTF_8);
    String detail =
        "HTTP " + status + (body.isBlank() ? "" : ": " + Protocol.describe(body.strip()));
    return new CloseInfo(reason, OptionalInt.of(status), detail);
  }

  private void closeWith(CloseInfo info) {
    if (closed) {
      return;
    }
    closed = true;
    CompletableFuture<Wire.Response> current = poll;
    poll = null;
    if (current != null) {
      current.cancel(true);
    }
    ctx.listener().onClosed(this, info);
  }
}
