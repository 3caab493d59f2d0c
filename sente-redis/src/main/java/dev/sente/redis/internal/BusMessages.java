package dev.sente.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages on the bus channel. Each is a sequence of fields, each field its length in bytes in
 * decimal, a colon, and its bytes ({@code 1:a5:alice...}); the first field says the kind.
 *
 * <ul>
 *   <li>{@code b}, appends (published by the append script): for each user in turn, the user, the
 *       epoch, the number of the first event, the number of events, then each event's bytes.
 *   <li>{@code a}, one user's append (what nodes of the first cluster release published; still
 *       read): the user, the epoch, the number of the first event, then each event's bytes.
 *   <li>{@code d}, a disconnect: the node that sent it, the user.
 *   <li>{@code g}, numbers skipped as lost (published by the skip script): the user, the epoch, the
 *       number of the last one skipped.
 *   <li>{@code p}, a change to the cluster's connected users (published by the presence scripts):
 *       the node that made it, the field ({@code w|user} or {@code a|user}), the transition ({@code
 *       OPENED}, {@code TRANSPORT_OPENED}, {@code TRANSPORT_CLOSED}, {@code CLOSED}), the version
 *       it made.
 * </ul>
 *
 * A message that does not parse is refused with an {@link IllegalArgumentException}, never read
 * past its end.
 */
public final class BusMessages {
  private BusMessages() {}

  /** A message heard on the bus. */
  public sealed interface Message permits Append, Appends, Disconnect, Presence, Skipped {}

  /** An append heard on the bus. */
  public record Append(String user, String epoch, long firstSeq, List<byte[]> events)
      implements Message {}

  /** Appends to several users, or several to one, heard as one message, in order. */
  public record Appends(List<Append> appends) implements Message {}

  /** A node's {@code disconnect(user)}. */
  public record Disconnect(String node, String user) implements Message {}

  /**
   * A change to the cluster's connected users: {@code node} made it, {@code transport} is {@code w}
   * or {@code a}, the change numbered {@code version}.
   */
  public record Presence(
      String node, String transport, String user, RedisPresence.Transition transition, long version)
      implements Message {}

  /** Numbers skipped in the user's log, up to {@code lastSeq}: a gap for every reader. */
  public record Skipped(String user, String epoch, long lastSeq) implements Message {}

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
    if ("b".equals(kind)) {
      return appends(f);
    }
    if ("a".equals(kind)) {
      return append(f);
    }
    if ("g".equals(kind)) {
      if (f.size() != 4) {
        throw new IllegalArgumentException("a skip message needs a user, an epoch, a number");
      }
      return new Skipped(text(f.get(1)), text(f.get(2)), number(f.get(3), "a skip"));
    }
    if ("p".equals(kind)) {
      return presence(f);
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
    return new Append(
        text(f.get(1)),
        text(f.get(2)),
        number(f.get(3), "an append"),
        List.copyOf(f.subList(4, f.size())));
  }

  private static Appends appends(List<byte[]> f) {
    List<Append> out = new ArrayList<>();
    int at = 1;
    while (at < f.size()) {
      if (f.size() - at < 5) {
        throw new IllegalArgumentException(
            "an append in a message needs a user, an epoch, a number, a count, events");
      }
      long count = number(f.get(at + 3), "an append's count in a");
      if (count > f.size() - at - 4) {
        throw new IllegalArgumentException("an appends message has fewer events than it says");
      }
      int events = (int) count;
      out.add(
          new Append(
              text(f.get(at)),
              text(f.get(at + 1)),
              number(f.get(at + 2), "an append in a"),
              List.copyOf(f.subList(at + 4, at + 4 + events))));
      at += 4 + events;
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("an appends message has no append");
    }
    return new Appends(List.copyOf(out));
  }

  /** An event number of a message of {@code kind}: 1 or more. */
  private static long number(byte[] field, String kind) {
    long n;
    try {
      n = Long.parseLong(text(field));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(kind + " message's number is malformed", e);
    }
    if (n < 1) {
      throw new IllegalArgumentException(kind + " message's number is below 1: " + n);
    }
    return n;
  }

  private static Presence presence(List<byte[]> f) {
    if (f.size() != 5) {
      throw new IllegalArgumentException(
          "a presence message needs a node, a field, a transition, a version");
    }
    String field = text(f.get(2));
    if (field.length() < 2
        || field.charAt(1) != '|'
        || (field.charAt(0) != 'w' && field.charAt(0) != 'a')) {
      throw new IllegalArgumentException("a presence message's field is malformed");
    }
    RedisPresence.Transition transition;
    long version;
    try {
      transition = RedisPresence.Transition.valueOf(text(f.get(3)));
      version = Long.parseLong(text(f.get(4)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a presence message's transition or version is malformed");
    }
    if (transition == RedisPresence.Transition.NONE || version < 1) {
      throw new IllegalArgumentException("a presence message changes nothing");
    }
    return new Presence(
        text(f.get(1)), field.substring(0, 1), field.substring(2), transition, version);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
