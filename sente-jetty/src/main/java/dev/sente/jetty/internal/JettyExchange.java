package dev.sente.jetty.internal;

import dev.sente.core.SenteException;
import dev.sente.server.SenteRequest;
import dev.sente.server.spi.HttpExchange;
import dev.sente.server.spi.LongPollChannel;
import dev.sente.server.spi.WebSocketListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Sente request on Jetty core: the request view plus the three ways to end it (respond, hold,
 * upgrade). A failure listener registered at creation hears the client going away, whenever that
 * happens, and tells the held poll if there is one.
 */
final class JettyExchange implements HttpExchange {

  private static final Logger LOG = LoggerFactory.getLogger(JettyExchange.class);

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final RequestView view;
  private final ServerWebSocketContainer container;
  private final Duration webSocketIdleTimeout;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final Object failureLock = new Object();
  private Throwable failure;
  private HeldPoll held;
  private volatile boolean bodyRead;

  JettyExchange(
      Request request,
      Response response,
      Callback callback,
      RequestView view,
      ServerWebSocketContainer container,
      Duration webSocketIdleTimeout) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.view = view;
    this.container = container;
    this.webSocketIdleTimeout = webSocketIdleTimeout;
    request.addFailureListener(this::failed);
  }

  /** Answers with a short text unless respond, hold or upgrade was already called. */
  void respondIfOpen(int status, String text) {
    if (ended.compareAndSet(false, true)) {
      writeText(response, callback, status, text);
    }
  }

  private void failed(Throwable cause) {
    HeldPoll poll;
    synchronized (failureLock) {
      failure = cause;
      poll = held;
    }
    if (poll != null) {
      poll.gone(cause);
    }
  }

  private void end(String how) {
    if (!ended.compareAndSet(false, true)) {
      throw new SenteException("The exchange has already ended; cannot " + how + ": " + view);
    }
  }

  // ---- the request ----

  /** The copy of the request's values, which keeps no Jetty object of the request alive. */
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
    return HttpMethod.GET.is(view.method()) && view.headerHasToken(HttpHeader.UPGRADE, "websocket");
  }

  // ---- the ways to end it ----

  @Override
  public void readBody(long maxBytes, BodyCallback bodyCallback) {
    Objects.requireNonNull(bodyCallback, "callback");
    if (ended.get()) {
      throw new SenteException("The exchange has already ended; cannot read its body: " + view);
    }
    BodyReader.read(
        request,
        maxBytes,
        new BodyCallback() {
          @Override
          public void completed(byte[] body) {
            bodyRead = true;
            bodyCallback.completed(body);
          }

          @Override
          public void tooLarge() {
            bodyCallback.tooLarge();
          }

          @Override
          public void failed(Throwable cause) {
            bodyCallback.failed(cause);
          }
        });
  }

  @Override
  public void respond(int status, String contentType, byte[] body) {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    end("respond");
    write(response, callback, status, contentType, body);
  }

  @Override
  public LongPollChannel hold() {
    end("hold");
    HeldPoll poll = new HeldPoll(request, response, callback, isHttp1() && noBodyLeft());
    Throwable already;
    synchronized (failureLock) {
      held = poll;
      already = failure;
    }
    if (already != null) {
      poll.gone(already);
    }
    return poll;
  }

  private boolean isHttp1() {
    HttpVersion version = request.getConnectionMetaData().getHttpVersion();
    return version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
  }

  /** True when the request had no body, or it was read to its end. */
  private boolean noBodyLeft() {
    if (bodyRead) {
      return true;
    }
    HttpFields headers = request.getHeaders();
    return !headers.contains(HttpHeader.TRANSFER_ENCODING)
        && headers.getLongField(HttpHeader.CONTENT_LENGTH) <= 0;
  }

  @Override
  public void upgrade(long maxMessageBytes, WebSocketListener listener) {
    Objects.requireNonNull(listener, "listener");
    end("upgrade");
    JettyWebSocket socket =
        new JettyWebSocket(
            listener,
            maxMessageBytes,
            webSocketIdleTimeout,
            request.getComponents().getScheduler());
    Callback upgradeCallback = new UpgradeCallback(callback, socket);
    boolean upgraded;
    try {
      upgraded = container.upgrade((rq, rs, cb) -> socket, request, response, upgradeCallback);
    } catch (RuntimeException e) {
      LOG.warn("WebSocket upgrade failed for {}", view, e);
      socket.upgradeFailed(e);
      if (!response.isCommitted()) {
        writeText(response, callback, 400, "Bad WebSocket upgrade");
      }
      return;
    }
    if (!upgraded) {
      socket.upgradeFailed(new SenteException("not a valid WebSocket upgrade request"));
      writeText(response, callback, 400, "Bad WebSocket upgrade");
    }
  }

  // ---- writing ----

  /** Writes a whole response with a known length and no caching, completing the callback. */
  static void write(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** Writes a short plain-text response. */
  static void writeText(Response response, Callback callback, int status, String text) {
    write(
        response,
        callback,
        status,
        "text/plain;charset=utf-8",
        text.getBytes(StandardCharsets.UTF_8));
  }

  /** Passes the upgrade's outcome to Jetty and tells the socket when it failed before opening. */
  private static final class UpgradeCallback implements Callback {
    private final Callback delegate;
    private final JettyWebSocket socket;

    UpgradeCallback(Callback delegate, JettyWebSocket socket) {
      this.delegate = delegate;
      this.socket = socket;
    }

    @Override
    public void succeeded() {
      delegate.succeeded();
    }

    @Override
    public void failed(Throwable cause) {
      socket.upgradeFailed(cause);
      delegate.failed(cause);
    }

    @Override
    public InvocationType getInvocationType() {
      return delegate.getInvocationType();
    }
  }
}
