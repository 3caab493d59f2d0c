package dev.sente.bench.load;

/**
 * The bare Jetty long-poll server: {@code GET /poll?uid=..} is held until pushes arrive and
 * answered with the stamps, comma separated (empty on its timeout); {@code POST /rr} echoes the
 * body.
 */
final class RawAjax implements AjaxDialect {

  @Override
  public void start(AjaxClient client) {
    client.poll();
  }

  /** No handshake: the client counts as connected once its poll's connection is up. */
  @Override
  public void onPollConnected(AjaxClient client) {
    client.opened();
  }

  @Override
  public void onPollResponse(AjaxClient client, int status, byte[] body, int offset, int length) {
    int end = offset + length;
    int at = offset;
    while (at < end) {
      int stop = Bytes.indexOf(body, at, end, (byte) ',');
      if (stop < 0) {
        stop = end;
      }
      if (stop > at) {
        client.delivered(Bytes.parseLong(body, at, stop));
      }
      at = stop + 1;
    }
    client.poll();
  }

  @Override
  public byte[] poll(AjaxClient client) {
    return client.getMessage("/poll?uid=u" + client.index);
  }

  @Override
  public byte[] request(AjaxClient client) {
    return client.postMessage("/rr", "application/json", Bytes.ascii(client.payload()));
  }

  @Override
  public void onPostResponse(AjaxClient client, int status, byte[] body, int offset, int length) {
    if (status == 200) {
      client.replied();
    } else {
      client.loop.stats.errors++;
    }
  }
}
