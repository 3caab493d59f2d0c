package dev.sente.bench.load;

/**
 * Sente's protocol with the JSON packer: the client is open on {@code [["chsk/handshake",...]]};
 * requests are {@code [["bench/echo",data],"cbId"]} answered by {@code [data,"cbId"]}; pushes are
 * batches {@code [[["bench/push",stamp],...],null]}; server pings get a {@code chsk/ws-pong}.
 *
 * <p>With {@code -Dbench.resume=true} the clients ask for the resume extension ({@code
 * ext=resume}), as sente.js and sente-client do by default; the server then numbers their pushes
 * and keeps them for the resume window. Without it they are plain Sente clients.
 */
final class SenteWs implements WsDialect {
  private static final byte[] HANDSHAKE = Bytes.ascii("[[\"chsk/handshake\"");
  private static final byte[] PING = Bytes.ascii("[\"chsk/ws-ping\"");
  private static final byte[] BATCH = Bytes.ascii("[[[");
  private static final byte[] PUSH = Bytes.ascii("\"bench/push\",");
  private static final boolean RESUME = Boolean.getBoolean("bench.resume");
  private static final byte[] PONG = Bytes.ascii("[[\"chsk/ws-pong\"],null]");

  @Override
  public String path(WsClient client) {
    String path = "/chsk?client-id=c" + client.index + "&uid=u" + client.index;
    return RESUME ? path + "&ext=resume" : path;
  }

  @Override
  public void onMessage(WsClient client, byte[] data, int offset, int length) {
    if (Bytes.startsWith(data, offset, length, BATCH)) {
      Bytes.forEachNumberAfter(data, offset, offset + length, PUSH, client::delivered);
    } else if (Bytes.startsWith(data, offset, length, HANDSHAKE)) {
      client.opened();
    } else if (Bytes.startsWith(data, offset, length, PING)) {
      client.sendText(PONG);
    } else {
      client.replied();
    }
  }

  @Override
  public byte[] request(WsClient client) {
    return Bytes.ascii("[[\"bench/echo\"," + client.payload() + "],\"" + client.seq + "\"]");
  }
}
