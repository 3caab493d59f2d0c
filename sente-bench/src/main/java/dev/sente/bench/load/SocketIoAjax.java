package dev.sente.bench.load;

import java.nio.charset.StandardCharsets;

/**
 * Socket.IO 4 on engine.io's polling transport: a handshake GET returns {@code 0{"sid":..}}, a POST
 * of {@code 40{"uid":..}} connects the namespace, and the client is open when {@code 40{..}} comes
 * back on a poll. Poll bodies hold packets separated by 0x1e. A request is a POST of {@code
 * 42<id>["echo",data]}; its ack {@code 43<id>[data]} arrives on the poll. Pings ({@code 2}) are
 * answered with a POST of {@code 3}.
 */
final class SocketIoAjax implements AjaxDialect {
  private static final String BASE = "/socket.io/?EIO=4&transport=polling";
  private static final String TEXT = "text/plain;charset=UTF-8";
  private static final byte[] SID = Bytes.ascii("\"sid\":\"");
  private static final byte[] PUSH = Bytes.ascii("[\"push\",");

  @Override
  public void start(AjaxClient client) {
    client.get(client.getMessage(BASE));
  }

  @Override
  public void onPollResponse(AjaxClient client, int status, byte[] body, int offset, int length) {
    int end = offset + length;
    if (status != 200) {
      client.loop.stats.errors++;
      client.close();
      client.lost(null);
      return;
    }
    if (client.sid == null) {
      int at = Bytes.indexOf(body, offset, end, SID);
      if (at < 0) {
        client.loop.stats.errors++;
        return;
      }
      int from = at + SID.length;
      int to = Bytes.indexOf(body, from, end, (byte) '"');
      client.sid = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
      client.post(
          client.postMessage(
              target(client), TEXT, Bytes.ascii("40{\"uid\":\"u" + client.index + "\"}")));
      client.poll();
      return;
    }
    int at = offset;
    while (at < end) {
      int stop = Bytes.indexOf(body, at, end, (byte) 0x1e);
      if (stop < 0) {
        stop = end;
      }
      packet(client, body, at, stop);
      at = stop + 1;
    }
    client.poll();
  }

  private void packet(AjaxClient client, byte[] body, int from, int to) {
    if (to <= from) {
      return;
    }
    byte type = body[from];
    if (type == '4' && to - from > 1) {
      byte packet = body[from + 1];
      if (packet == '2') {
        int at = Bytes.indexOf(body, from, to, PUSH);
        if (at >= 0) {
          client.delivered(Bytes.parseLong(body, at + PUSH.length, to));
        }
      } else if (packet == '3') {
        client.replied();
      } else if (packet == '0') {
        client.opened();
      }
    } else if (type == '2') {
      client.post(client.postMessage(target(client), TEXT, Bytes.ascii("3")));
    }
  }

  private static String target(AjaxClient client) {
    return BASE + "&sid=" + client.sid;
  }

  @Override
  public byte[] poll(AjaxClient client) {
    return client.getMessage(target(client));
  }

  @Override
  public byte[] request(AjaxClient client) {
    return client.postMessage(
        target(client),
        TEXT,
        Bytes.ascii("42" + client.seq + "[\"echo\"," + client.payload() + "]"));
  }

  @Override
  public void onPostResponse(AjaxClient client, int status, byte[] body, int offset, int length) {
    if (status != 200) {
      client.loop.stats.errors++;
    }
  }
}
