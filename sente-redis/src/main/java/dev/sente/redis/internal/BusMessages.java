package dev.sente.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages on the bus channel. Each is a sequence of fields, each field its length in bytes in
 * decimal, a colon, and its bytes ({@code 1:a5:alice...}); the first field says the kind.
 *
 * <ul>
 *   <li>{@code a}, an append (published by the append script): the user, the epoch, the number of
 *       the first event, then each event's bytes.
 *   <li>{@code d}, a disconnect: the node that sent it, the user.
 * </ul>
 *
 * A message that does not parse is refused with an {@link IllegalArgumentException}, never read
 * past its end.
 */
public final class BusMessages {
  private BusMessages() {}

  /** A message heard on the bus. */
  public sealed interface Message permits Append, Disconnect {}

  /** An append heard on the bus. */
  public record Append(String user, String epoch, long firstSeq, List<byte[]> events)
      implements Message {}

  /** A node's {@code disconnect(user)}. */
  public record Disconnect(String node, String user) implements Message {}

  /** A disconnect message. */
  public static byte[] disconnect(String node, String user) {
    return encode("d", node, user);
  }

  private static byte[] encode(String... fields) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String field : fields) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  /** The message, or null when it is of a kind this node does not know (a newer node's). */
  public static Message read(byte[] message) {
    List<byte[]> f = fields(message);
    String kind = f.isEmpty() ? "" : text(f.get(0));
    if ("a".equals(kind)) {
      return append(f);
    }
    if ("d".equals(kind)) {
      if (f.size() != 3) {
        throw new IllegalArgumentException("a disconnect message needs a node and a user");
      }
      return new Disconnect(text(f.get(1)), text(f.get(2)));
    }
    return null;
  }

  /** The fields of a message. */
  static List<byte[]> fields(byte[] message) {
    List<byte[]> out = new ArrayList<>();
    int at = 0;
    while (at < message.length) {
      long length = 0;
      int digits = 0;
      while (at < message.length && message[at] != ':') {
        byte b = message[at++];
        if (b < '0' || b > '9' || ++digits > 9) {
          throw new IllegalArgumentException("a bus message field's length is malformed");
        }
        length = length * 10 + (b - '0');
      }
      if (at >= message.length || digits == 0 || length > message.length - at - 1) {
        throw new IllegalArgumentException("a bus message is cut short");
      }
      at++; // the colon
      byte[] field = new byte[(int) length];
      System.arraycopy(message, at, field, 0, field.length);
      at += field.length;
      out.add(field);
    }
    return out;
  }

  private static Append append(List<byte[]> f) {
    if (f.size() < 5) {
      throw new IllegalArgumentException(
          "an append message needs a user, an epoch, a number, events");
    }
    long first;
    try {
      first = Long.parseLong(text(f.get(3)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("an append message's number is malformed", e);
    }
    if (first < 1) {
      throw new IllegalArgumentException("an append message's number is below 1: " + first);
    }
    return new Append(text(f.get(1)), text(f.get(2)), first, List.copyOf(f.subList(4, f.size())));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
