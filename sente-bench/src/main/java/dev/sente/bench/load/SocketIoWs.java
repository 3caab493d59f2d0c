package dev.sente.bench.load;

/**
 * Socket.IO 4 (engine.io protocol 4) on its WebSocket transport: {@code 0{...}} opens engine.io,
 * the client connects the main namespace with {@code 40{"uid":..}} (the server joins the socket to
 * the user's room) and is open on {@code 40{...}}; requests are events with an ack id, {@code
 * 42<id>["echo",data]}, answered by {@code 43<id>[data]}; pushes are {@code 42["push",stamp]};
 * engine.io pings ({@code 2}) get pongs ({@code 3}).
 */
final class SocketIoWs implements WsDialect {
  private static final byte[] PUSH = Bytes.ascii("[\"push\",");
  private static final byte[] PONG = Bytes.ascii("3");

  @Override
  public String path(WsClient client) {
    return "/socket.io/?EIO=4&transport=websocket";
  }

  @Override
  public void onMessage(WsClient client, byte[] data, int offset, int length) {
    if (length == 0) {
      return;
    }
    byte type = data[offset];
    if (type == '4' && length > 1) {
      byte packet = data[offset + 1];
      if (packet == '2') {
        int at = Bytes.indexOf(data, offset, offset + length, PUSH);
        if (at >= 0) {
          client.delivered(Bytes.parseLong(data, at + PUSH.length, offset + length));
        }
      } else if (packet == '3') {
        client.replied();
      } else if (packet == '0') {
        client.opened();
      }
    } else if (type == '2') {
      client.sendText(PONG);
    } else if (type == '0') {
      client.sendText(Bytes.ascii("40{\"uid\":\"u" + client.index + "\"}"));
    }
  }

  @Override
  public byte[] request(WsClient client) {
    return Bytes.ascii("42" + client.seq + "[\"echo\"," + client.payload() + "]");
  }
}
