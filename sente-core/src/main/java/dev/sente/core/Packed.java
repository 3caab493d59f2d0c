package dev.sente.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One packed value: what travels as a WebSocket frame or an HTTP body. Text packers (JSON, EDN,
 * Transit) produce {@link Text}; binary packers (MessagePack) produce {@link Binary}.
 */
public sealed interface Packed permits Packed.Text, Packed.Binary {

  /** The bytes of this value: UTF-8 for text. */
  byte[] bytes();

  /** Size in bytes on the wire. */
  default int size() {
    return bytes().length;
  }

  /** Creates a text value. */
  static Text text(String text) {
    return new Text(text);
  }

  /** Creates a binary value; the array is not copied. */
  static Binary binary(byte[] bytes) {
    return new Binary(bytes);
  }

  /** A text frame or body. */
  record Text(String text) implements Packed {
    public Text {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public byte[] bytes() {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** A binary frame or body. */
  record Binary(byte[] bytes) implements Packed {
    public Binary {
      Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public int size() {
      return bytes.length;
    }

    @Override
    public String toString() {
      return "Binary[" + bytes.length + " bytes]";
    }
  }
}
