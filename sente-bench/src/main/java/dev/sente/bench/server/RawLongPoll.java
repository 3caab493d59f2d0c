package dev.sente.bench.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/**
 * Bare long-polling on Jetty core: {@code GET /poll?uid=..} is held until a push arrives (or 20 s
 * pass) and answered with every stamp that waited, comma separated; {@code POST /rr} echoes its
 * body. No protocol, no batching window: the ceiling for Sente's Ajax transport.
 */
final class RawLongPoll extends Handler.Abstract {
  private static final long POLL_TIMEOUT_MILLIS = 20_000;

  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if ("/rr".equals(path) && "POST".equals(request.getMethod())) {
      Content.Source.asString(
          request,
          StandardCharsets.UTF_8,
          Promise.from(
              body -> {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                Content.Sink.write(response, true, body, callback);
              },
              callback::failed));
      return true;
    }
    if ("/poll".equals(path)) {
      String uid = Request.extractQueryParameters(request).getValue("uid");
      Slot slot = slots.computeIfAbsent(uid == null ? "" : uid, u -> new Slot());
      // a client that goes away must not leave a dead poll behind to swallow the next push
      request.addFailureListener(failure -> slot.gone(response));
      slot.hold(request, response, callback);
      return true;
    }
    return false;
  }

  void push(String uid, String stamp) {
    slots.computeIfAbsent(uid, u -> new Slot()).add(stamp);
  }

  /** One user's held poll and the stamps waiting for it. */
  private static final class Slot {
    private final StringBuilder pending = new StringBuilder();
    private Response held;
    private Callback heldCallback;

    void hold(Request request, Response response, Callback callback) {
      String now = null;
      synchronized (this) {
        if (held != null) {
          answer(held, heldCallback, "");
        }
        if (pending.length() > 0) {
          now = pending.toString();
          pending.setLength(0);
          held = null;
          heldCallback = null;
        } else {
          held = response;
          heldCallback = callback;
        }
      }
      if (now != null) {
        answer(response, callback, now);
        return;
      }
      request
          .getComponents()
          .getScheduler()
          .schedule(() -> timeout(response), POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    synchronized void gone(Response response) {
      if (held == response) {
        held = null;
        heldCallback = null;
      }
    }

    private void timeout(Response response) {
      Callback callback;
      synchronized (this) {
        if (held != response) {
          return;
        }
        callback = heldCallback;
        held = null;
        heldCallback = null;
      }
      answer(response, callback, "");
    }

    void add(String stamp) {
      Response response;
      Callback callback;
      synchronized (this) {
        if (held == null) {
          if (pending.length() > 0) {
            pending.append(',');
          }
          pending.append(stamp);
          return;
        }
        response = held;
        callback = heldCallback;
        held = null;
        heldCallback = null;
      }
      answer(response, callback, stamp);
    }

    private static void answer(Response response, Callback callback, String body) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      Content.Sink.write(response, true, body, callback);
    }
  }
}
