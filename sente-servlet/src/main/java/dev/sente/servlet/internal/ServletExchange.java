package dev.sente.servlet.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.SenteException;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import dev.sente.server.spi.WebSocketListener;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Sente request on a servlet container: the request view plus the three ways to end it
 * (respond, hold, upgrade). The request turns asynchronous (without a container timeout: the engine
 * times polls) when the engine reads its body or holds it, or when {@code service} returns before
 * the engine ended it; an answer given during {@code service} is written there, blocking. An {@link
 * AsyncListener} added when it turns asynchronous hears the container end or fail it and tells the
 * held poll if there is one. Every response says {@code X-Content-Type-Options: nosniff}.
 */
final class ServletExchange implements HttpExchange, AsyncListener {

  private static final Logger LOG = LoggerFactory.getLogger(ServletExchange.class);

  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final RequestView view;
  private final EndpointServlet servlet;
  private boolean ended; // guarded by this
  private AsyncContext async; // guarded by this
  private HeldPoll held; // guarded by this
  private String failure; // guarded by this: the container ended the request first
  private volatile boolean bodyRead;
  private volatile boolean bodyLeftUnread;

  ServletExchange(
      HttpServletRequest request,
      HttpServletResponse response,
      RequestView view,
      EndpointServlet servlet) {
    this.request = request;
    this.response = response;
    this.view = view;
    this.servlet = servlet;
  }

  /** {@code service} is about to return: a request the engine has not ended turns asynchronous. */
  synchronized void serviceReturning() {
    if (!ended) {
      startAsync();
    }
  }

  /** Answers with a short text unless respond, hold or upgrade was already called. */
  void respondIfOpen(int status, String text) {
    synchronized (this) {
      if (ended) {
        return;
      }
    }
    respond(status, "text/plain;charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private AsyncContext startAsync() {
    if (async == null) {
      async = request.startAsync();
      async.setTimeout(0);
      async.addListener(this);
    }
    return async;
  }

  private void end(String how) {
    if (ended) {
      throw new SenteException("The exchange has already ended; cannot " + how + ": " + view);
    }
    ended = true;
  }

  // ---- the request ----

  /** The copy of the request's values, which keeps no object of the container's request alive. */
  @Override
  public SenteRequest detached() {
    return view;
  }

  @Override
  public String method() {
    return view.method();
  }

  @Override
  public String path() {
    return view.path();
  }

  @Override
  public String scheme() {
    return view.scheme();
  }

  @Override
  public Optional<String> host() {
    return view.host();
  }

  @Override
  public Map<String, List<String>> queryParams() {
    return view.queryParams();
  }

  @Override
  public Optional<String> header(String name) {
    return view.header(Objects.requireNonNull(name, "name"));
  }

  @Override
  public Optional<String> cookie(String name) {
    return view.cookie(Objects.requireNonNull(name, "name"));
  }

  @Override
  public Optional<Principal> principal() {
    return view.principal();
  }

  @Override
  public Optional<Object> sessionAttribute(String name) {
    return view.sessionAttribute(Objects.requireNonNull(name, "name"));
  }

  @Override
  public String remoteAddress() {
    return view.remoteAddress();
  }

  @Override
  public boolean isWebSocketUpgrade() {
    return "GET".equals(view.method()) && view.headerHasToken("Upgrade", "websocket");
  }

  // ---- the ways to end it ----

  @Override
  public void readBody(long maxBytes, BodyCallback callback) {
    Objects.requireNonNull(callback, "callback");
    long declared = request.getContentLengthLong();
    ServletInputStream in;
    synchronized (this) {
      if (ended) {
        throw new SenteException("The exchange has already ended; cannot read its body: " + view);
      }
      if (declared > maxBytes) {
        bodyLeftUnread = true;
        in = null;
      } else {
        startAsync();
        try {
          in = request.getInputStream();
        } catch (IOException | IllegalStateException e) {
          callback.failed(e);
          return;
        }
      }
    }
    if (in == null) {
      callback.tooLarge();
      return;
    }
    BodyReader.start(
        in,
        declared,
        maxBytes,
        new BodyCallback() {
          @Override
          public void completed(byte[] body) {
            bodyRead = true;
            callback.completed(body);
          }

          @Override
          public void tooLarge() {
            bodyLeftUnread = true;
            callback.tooLarge();
          }

          @Override
          public void failed(Throwable cause) {
            callback.failed(cause);
          }
        });
  }

  @Override
  public void respond(int status, String contentType, byte[] body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    AsyncContext context;
    synchronized (this) {
      end("respond");
      context = async;
      if (context == null) {
        // still inside service, on the container's thread (serviceReturning not yet run)
        ResponseWriter.writeNow(response, status, contentType, body, bodyLeftUnread);
        return;
      }
    }
    ResponseWriter.writeAsync(context, response, status, contentType, body, bodyLeftUnread);
  }

  @Override
  public LongPollChannel hold() {
    HeldPoll poll;
    String already;
    synchronized (this) {
      end("hold");
      AsyncContext context = startAsync();
      poll =
          new HeldPoll(
              context, response, HeldPoll.probeStream(request, bodyRead), servlet.timers());
      held = poll;
      already = failure;
    }
    if (already != null) {
      poll.ended(already);
    }
    return poll;
  }

  @Override
  public void upgrade(long maxMessageBytes, WebSocketListener listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (this) {
      end("upgrade");
      if (async != null) {
        throw new SenteException("Cannot upgrade an asynchronous request: " + view);
      }
    }
    servlet.upgrade(request, response, view, maxMessageBytes, listener);
  }

  // ---- the container's reports, once asynchronous ----

  @Override
  public void onComplete(AsyncEvent event) {
    containerEnded("the request completed");
  }

  @Override
  public void onError(AsyncEvent event) {
    Throwable cause = event.getThrowable();
    containerEnded("the request failed: " + (cause == null ? "unknown" : safe(cause)));
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    containerEnded("the container timed the request out");
  }

  @Override
  public void onStartAsync(AsyncEvent event) {}

  private void containerEnded(String why) {
    HeldPoll poll;
    synchronized (this) {
      if (failure == null) {
        failure = why;
      }
      poll = held;
    }
    if (poll != null) {
      poll.ended(why);
    }
    LOG.trace("{}: {}", view, why);
  }

  @Override
  public String toString() {
    return "ServletExchange[" + view + "]";
  }
}
