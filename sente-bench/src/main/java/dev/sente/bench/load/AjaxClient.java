package dev.sente.bench.load;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A long-polling client: one keep-alive connection that always holds a poll (as a browser does),
 * and one for POSTs, sent one at a time. The {@link AjaxDialect} reads the bodies.
 */
final class AjaxClient extends Client {
  private final AjaxDialect dialect;
  final String host;
  private final HttpConn polls;
  private final HttpConn posts;
  private final ArrayDeque<byte[]> queuedPosts = new ArrayDeque<>();
  private boolean closed;

  /** The engine.io session id (Socket.IO), or null. */
  String sid;

  AjaxClient(
      Loop loop,
      int index,
      Progress progress,
      AjaxDialect dialect,
      InetSocketAddress remote,
      InetSocketAddress local) {
    super(loop, index, progress);
    this.dialect = dialect;
    this.host = remote.getHostString() + ":" + remote.getPort();
    HttpConn.Listener pollListener =
        new HttpConn.Listener() {
          @Override
          public void onResponse(HttpConn conn, int status, byte[] body, int offset, int length) {
            if (!closed) {
              dialect.onPollResponse(AjaxClient.this, status, body, offset, length);
            }
          }

          @Override
          public void onLost(HttpConn conn, Exception cause) {
            lostPoll(cause);
          }

          @Override
          public void onConnected(HttpConn conn) {
            dialect.onPollConnected(AjaxClient.this);
          }
        };
    HttpConn.Listener postListener =
        new HttpConn.Listener() {
          @Override
          public void onResponse(HttpConn conn, int status, byte[] body, int offset, int length) {
            if (!closed) {
              dialect.onPostResponse(AjaxClient.this, status, body, offset, length);
              sendQueuedPost();
            }
          }

          @Override
          public void onLost(HttpConn conn, Exception cause) {
            loop.stats.errors++;
            sendQueuedPost();
          }
        };
    this.polls = new HttpConn(loop, remote, local, pollListener);
    this.posts = new HttpConn(loop, remote, local, postListener);
  }

  @Override
  void start() {
    dialect.start(this);
  }

  /** Sends a request on the poll connection (handshake steps, polls). */
  void get(byte[] message) {
    if (!closed) {
      polls.request(message);
    }
  }

  /** Issues the next poll. */
  void poll() {
    get(dialect.poll(this));
  }

  /** Queues a POST; they go out one at a time. */
  void post(byte[] message) {
    if (closed) {
      return;
    }
    queuedPosts.add(message);
    if (!posts.outstanding()) {
      sendQueuedPost();
    }
  }

  private void sendQueuedPost() {
    byte[] next = queuedPosts.poll();
    if (next != null && !closed) {
      posts.request(next);
    }
  }

  private void lostPoll(Exception cause) {
    if (closed) {
      return;
    }
    if (!isOpen()) {
      lost(cause);
      return;
    }
    loop.stats.errors++;
    poll();
  }

  @Override
  void sendRequest() {
    post(dialect.request(this));
  }

  @Override
  void close() {
    closed = true;
    polls.closeQuietly();
    posts.closeQuietly();
  }

  /** A GET request message. */
  byte[] getMessage(String target) {
    return Bytes.ascii("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  }

  /** A POST request message. */
  byte[] postMessage(String target, String contentType, byte[] body) {
    byte[] head =
        Bytes.ascii(
            "POST "
                + target
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\nContent-Type: "
                + contentType
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n");
    byte[] message = new byte[head.length + body.length];
    System.arraycopy(head, 0, message, 0, head.length);
    System.arraycopy(body, 0, message, head.length, body.length);
    return message;
  }
}
