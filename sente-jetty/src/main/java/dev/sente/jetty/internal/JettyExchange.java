package dev.sente.jetty.internal;

import static dev.sente.core.internal.Logs.safe;

import dev.sente.core.SenteException;
import dev.sente.core.internal.LogLimiter;
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
import org.eclipse.jetty.http.HttpURI;
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
 * happens, and tells the held poll if there is one. Every response it writes says {@code
 * X-Content-Type-Options: nosniff}.
 */
final class JettyExchange implements HttpExchange {

  /** The header that keeps browsers from guessing a content type other than the one given. */
  static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";

  private static final Logger LOG = LoggerFactory.getLogger(JettyExchange.class);

  /** Hex digits for percent-encoding. */
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final RequestView view;
  private final ServerWebSocketContainer container;
  private final Duration webSocketIdleTimeout;
  private final LogLimiter upgradeLog;
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
      Duration webSocketIdleTimeout,
      LogLimiter upgradeLog) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.view = view;
    this.container = container;
    this.webSocketIdleTimeout = webSocketIdleTimeout;
    this.upgradeLog = upgradeLog;
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
      upgraded =
          container.upgrade(
              (rq, rs, cb) -> socket, withUriSafeQuery(request), response, upgradeCallback);
    } catch (RuntimeException e) {
      long skipped = upgradeLog.acquire();
      if (skipped >= 0) {
        LOG.warn(
            "WebSocket upgrade failed for {}: {}{}", safe(view), safe(e), LogLimiter.note(skipped));
      }
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

  /**
   * The request as Jetty's WebSocket upgrade sees it: that code turns the request URI into a {@link
   * java.net.URI}, which refuses characters that Jetty's parser accepts in a query ({@code <},
   * {@code |}, {@code "}, {@code {}, {@code ^} ...) and would fail the upgrade for a query that an
   * Ajax GET takes. So such a query is handed over percent-encoded; the engine reads the request's
   * own query, decoded at the start, and never this one.
   */
  static Request withUriSafeQuery(Request request) {
    HttpURI uri = request.getHttpURI();
    String query = uri.getQuery();
    if (query == null || uriSafe(query)) {
      return request;
    }
    HttpURI safe = HttpURI.build(uri).query(quoteForUri(query)).asImmutable();
    return new Request.Wrapper(request) {
      @Override
      public HttpURI getHttpURI() {
        return safe;
      }
    };
  }

  private static boolean uriSafe(String query) {
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%' ? !escapeAt(query, i) : !uriQueryChar(c)) {
        return false;
      }
    }
    return true;
  }

  /** The query with every character a URI refuses there percent-encoded (UTF-8). */
  static String quoteForUri(String query) {
    StringBuilder out = new StringBuilder(query.length() + 16);
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%' ? escapeAt(query, i) : uriQueryChar(c)) {
        out.append(c);
        continue;
      }
      for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
    return out.toString();
  }

  /** A character {@link java.net.URI} takes as is in a query (other than '%'). */
  private static boolean uriQueryChar(char c) {
    if (c < 0x80) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-_.!~*'();/?:@&=+$,[]".indexOf(c) >= 0;
    }
    return !Character.isISOControl(c) && !Character.isSpaceChar(c);
  }

  private static boolean escapeAt(String s, int i) {
    return i + 2 < s.length()
        && Character.digit(s.charAt(i + 1), 16) >= 0
        && Character.digit(s.charAt(i + 2), 16) >= 0;
  }

  // ---- writing ----

  /** Writes a whole response with a known length and no caching, completing the callback. */
  static void write(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    headers.put(CONTENT_TYPE_OPTIONS, "nosniff");
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
