package dev.sente.server.internal;

import dev.sente.core.Event;
import dev.sente.core.Packed;
import dev.sente.core.Protocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a batch of pushed events into WebSocket frames of at most a cap ({@code maxMessageBytes}:
 * a client has the same limit for what it receives). A batch that fits goes out as one frame, as
 * packed once; a larger one is cut into runs of consecutive events, in order, each as large as fits
 * under the cap; one event larger than the cap alone goes out alone. Sizes are counted as {@link
 * WsConnection#weight} does.
 *
 * <p>Only a batch over the cap costs more than a size check: each of its events is packed alone to
 * learn its size, and each run is packed again. A run's frame is never larger than the sum of its
 * events' frames alone (the framing of one push is counted once per event instead of once), so the
 * runs stay under the cap.
 */
final class PushFrames {
  private PushFrames() {}

  /** One frame and the events it carries. */
  record Part(List<Event> events, Packed frame) {}

  /** The frames for a batch whose whole push is {@code whole}. */
  static List<Part> split(Protocol protocol, List<Event> events, Packed whole, long cap) {
    if (events.size() < 2 || WsConnection.weight(whole) <= cap) {
      return List.of(new Part(events, whole));
    }
    List<Part> parts = new ArrayList<>();
    List<Event> run = new ArrayList<>();
    Packed runAlone = null; // the run's frame while it holds a single event
    long runSize = 0;
    for (Event event : events) {
      Packed alone = protocol.push(List.of(event));
      long size = WsConnection.weight(alone);
      if (!run.isEmpty() && runSize + size > cap) {
        parts.add(part(protocol, run, runAlone));
        run = new ArrayList<>();
        runSize = 0;
      }
      run.add(event);
      runSize += size;
      runAlone = run.size() == 1 ? alone : null;
    }
    parts.add(part(protocol, run, runAlone));
    return parts;
  }

  private static Part part(Protocol protocol, List<Event> run, Packed alone) {
    return new Part(run, alone != null ? alone : protocol.push(run));
  }
}
