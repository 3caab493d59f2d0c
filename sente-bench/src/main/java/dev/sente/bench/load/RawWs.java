package dev.sente.bench.load;

/**
 * The bare Jetty WebSocket server: no protocol. Open on the upgrade; a request is the payload,
 * echoed as is; a push is the stamp as decimal text.
 */
final class RawWs implements WsDialect {

  @Override
  public String path(WsClient client) {
    return "/raw?uid=u" + client.index;
  }

  @Override
  public void onUpgraded(WsClient client) {
    client.opened();
  }

  @Override
  public void onMessage(WsClient client, byte[] data, int offset, int length) {
    if (length > 0 && data[offset] == '{') {
      client.replied();
    } else if (length > 0) {
      client.delivered(Bytes.parseLong(data, offset, offset + length));
    }
  }

  @Override
  public byte[] request(WsClient client) {
    return Bytes.ascii(client.payload());
  }
}
