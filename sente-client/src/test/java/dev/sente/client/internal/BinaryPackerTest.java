package dev.sente.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sente.client.ClientState;
import dev.sente.client.Transport;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import dev.sente.core.json.JsonPacker;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** With a binary packer, frames go out as binary messages and POSTs carry raw bytes. */
class BinaryPackerTest {

  /** JSON as bytes: a stand-in for MessagePack. */
  private static final class BinaryJson implements Packer {
    private final JsonPacker json = JsonPacker.create();

    @Override
    public String name() {
      return "binary-json";
    }

    @Override
    public boolean binary() {
      return true;
    }

    @Override
    public Packed pack(Object value) {
      return Packed.binary(json.pack(value).bytes());
    }

    @Override
    public Object unpack(Packed packed) {
      return json.unpack(Packed.text(new String(packed.bytes(), StandardCharsets.UTF_8)));
    }

    @Override
    public Object keyword(String name) {
      return json.keyword(name);
    }

    @Override
    public Optional<String> keywordName(Object value) {
      return json.keywordName(value);
    }

    @Override
    public <T> T convert(Object value, Type type) {
      return json.convert(value, type);
    }
  }

  @Test
  void aBinaryPackerPostsRawBytesWithItsParametersInTheQuery() {
    try (Fixture f = new Fixture(Transport.AJAX, b -> b.packer(new BinaryJson()))) {
      f.openAjax();

      assertThat(f.client.send("a/b", 1)).isTrue();

      FakeWire.FakeExchange post = f.wire.nextExchange();
      assertThat(post.query()).matches("udt=\\d+&client-id=c1&binary%3F=true&ext=resume");
      assertThat(post.request.headers()).containsEntry("Content-Type", "application/octet-stream");
      assertThat(post.body()).isEqualTo("[[\"a/b\",1],null]");
    }
  }

  @Test
  void aBinaryPackerReadsBinaryFramesOnAWebSocket() {
    try (Fixture f = new Fixture(Transport.WEBSOCKET, b -> b.packer(new BinaryJson()))) {
      f.client.connect();
      FakeWire.FakeSocket socket = f.wire.nextSocket().accept();
      socket.listener.onBinary(Fixture.HANDSHAKE.getBytes(StandardCharsets.UTF_8));
      assertThat(f.client.state()).isInstanceOf(ClientState.Open.class);

      assertThat(f.client.send("a/b", 2)).isTrue();
      assertThat(socket.lastSent()).isEqualTo("[[\"a/b\",2],null]");
      assertThat(socket.binaryFrames).isEqualTo(1);
    }
  }
}
