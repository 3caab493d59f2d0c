package dev.sente.client.internal;

import dev.sente.core.Event;
import dev.sente.core.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reading what the server pushes, and making callback ids. */
final class Incoming {

  private static final Logger LOG = LoggerFactory.getLogger(Incoming.class);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Incoming() {}

  /**
   * The events of a push payload, a vector of events. An element that is not a valid event, or is
   * in the reserved {@code chsk} namespace, becomes {@code chsk/bad-event} carrying the original
   * value (Sente's client would refuse it by assertion); so does a payload that is not a vector.
   */
  static List<Event> events(Protocol protocol, Object payload) {
    if (!(payload instanceof List<?> list)) {
      LOG.warn(
          "The server pushed a value that is not a vector of events: {}",
          Protocol.describe(payload));
      return List.of(new Event(Protocol.BAD_EVENT, payload));
    }
    List<Event> events = new ArrayList<>(list.size());
    for (Object element : list) {
      Optional<Event> event = protocol.readEvent(element).filter(e -> !e.isReserved());
      if (event.isPresent()) {
        events.add(event.get());
      } else {
        LOG.warn("The server pushed an invalid event: {}", Protocol.describe(element));
        events.add(new Event(Protocol.BAD_EVENT, element));
      }
    }
    return events;
  }

  /** The application's view of a handshake: {@code [uid nil data firstOpen]}. */
  static Event handshakeEvent(Protocol.Handshake handshake, boolean firstOpen) {
    List<Object> data = new ArrayList<>(4);
    data.add(handshake.userId().orElse(Protocol.NIL_UID));
    data.add(null);
    data.add(handshake.data());
    data.add(firstOpen);
    return new Event(Protocol.HANDSHAKE, data);
  }

  /** A callback id as Sente makes them: 6 random hex characters. */
  static String callbackId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[6];
    for (int i = 0; i < id.length; i++) {
      id[i] = HEX[random.nextInt(16)];
    }
    return new String(id);
  }
}
