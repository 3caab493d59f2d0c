package dev.sente.bench.load;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Sente's Ajax transport with the JSON packer: a handshake GET ({@code handshake?}), then long
 * polls answered by a push batch or {@code chsk/timeout}; a request is a form POST with {@code
 * ppstr=[["bench/echo",data],"ajax"]}, answered in the POST's response, {@code [data,null]}.
 */
final class SenteAjax implements AjaxDialect {
  private static final byte[] HANDSHAKE = Bytes.ascii("[[\"chsk/handshake\"");
  private static final byte[] BATCH = Bytes.ascii("[[[");
  private static final byte[] PUSH = Bytes.ascii("\"bench/push\",");

  @Override
  public void start(AjaxClient client) {
    client.get(
        client.getMessage(
            "/chsk?client-id=c" + client.index + "&uid=u" + client.index + "&handshake%3F=1"));
  }

  @Override
  public void onPollResponse(AjaxClient client, int status, byte[] body, int offset, int length) {
    if (Bytes.startsWith(body, offset, length, BATCH)) {
      Bytes.forEachNumberAfter(body, offset, offset + length, PUSH, client::delivered);
    } else if (Bytes.startsWith(body, offset, length, HANDSHAKE)) {
      client.opened();
    } else if (status != 200) {
      client.loop.stats.errors++;
    }
    client.poll();
  }

  @Override
  public byte[] poll(AjaxClient client) {
    return client.getMessage("/chsk?client-id=c" + client.index + "&uid=u" + client.index);
  }

  @Override
  public byte[] request(AjaxClient client) {
    String ppstr = "[[\"bench/echo\"," + client.payload() + "],\"ajax\"]";
    String form =
        "client-id=c" + client.index + "&ppstr=" + URLEncoder.encode(ppstr, StandardCharsets.UTF_8);
    return client.postMessage(
        "/chsk?uid=u" + client.index,
        "application/x-www-form-urlencoded;charset=UTF-8",
        Bytes.ascii(form));
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
