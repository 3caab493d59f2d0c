package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Packer;
import dev.sente.core.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Events as they travel between the nodes of a cluster: each packed alone as {@code [id data]} with
 * the server's packer (so every node of a cluster must use the same packer), its size in the log's
 * bounds its packed length.
 */
final class EventBytes {
  private final Protocol protocol;

  /** Events unpacked, with their sizes. */
  record Decoded(List<Event> events, int[] sizes) {}

  EventBytes(Protocol protocol) {
    this.protocol = protocol;
  }

  byte[] pack(Event event) {
    return protocol.packer().pack(protocol.eventValue(event)).bytes();
  }

  /** The events; throws when one does not unpack (another packer, or not an event). */
  Decoded decode(List<byte[]> events) {
    List<Event> out = new ArrayList<>(events.size());
    for (byte[] event : events) {
      out.add(unpack(event));
    }
    return new Decoded(out, sizes(events));
  }

  /** Each packed event's size in the log's bounds: its length. */
  static int[] sizes(List<byte[]> packed) {
    int[] sizes = new int[packed.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = packed.get(i).length;
    }
    return sizes;
  }

  private Event unpack(byte[] bytes) {
    Packer packer = protocol.packer();
    Packed packed =
        packer.binary()
            ? Packed.binary(bytes)
            : Packed.text(new String(bytes, StandardCharsets.UTF_8));
    return protocol
        .readEvent(packer.unpack(packed))
        .orElseThrow(
            () -> new IllegalArgumentException("not an event: do all nodes use the same packer?"));
  }
}
