package dev.sente.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Sente's wire forms (v3 framing, reading v2 too), bound to one {@link Packer}. Every message is
 * one packed vector {@code [payload callbackIdOrNull]}; docs/protocol.md lists every form. Both the
 * server engine and the clients build and read their frames here, so the forms exist once.
 *
 * <pre>{@code
 * Protocol p = Protocol.of(JsonPacker.create());
 * p.handshake(Optional.of("alice"), null);   // [["chsk/handshake",["alice",null,null]],null]
 * p.push(List.of(Event.of("chat/msg", "hi"))); // [[["chat/msg","hi"]],null]
 * }</pre>
 */
public final class Protocol {

  /** The prefix of every reserved event id, {@code chsk/}. */
  public static final String RESERVED_PREFIX = "chsk/";

  /** Handshake event id. */
  public static final String HANDSHAKE = "chsk/handshake";

  /** Keep-alive ping, sent by either side. */
  public static final String WS_PING = "chsk/ws-ping";

  /** A client's answer to a server ping. */
  public static final String WS_PONG = "chsk/ws-pong";

  /** Long-poll idle timeout, and the server's Ajax reply timeout. */
  public static final String TIMEOUT = "chsk/timeout";

  /** The reply to an Ajax POST that wants no reply. */
  public static final String DUMMY_REPLY = "chsk/dummy-cb-200";

  /** The id an invalid event is delivered under, carrying the original value. */
  public static final String BAD_EVENT = "chsk/bad-event";

  /** Pushed to a user id: closes all of that user's connections. */
  public static final String CLOSE = "chsk/close";

  /** Reply outcome: the connection was not open. */
  public static final String CLOSED = "chsk/closed";

  /** Reply outcome: sending failed, or the server's handler failed. */
  public static final String ERROR = "chsk/error";

  /** Server notification: a user id connected. */
  public static final String USER_CONNECTED = "chsk/uidport-open";

  /** Server notification: a user id disconnected. */
  public static final String USER_DISCONNECTED = "chsk/uidport-close";

  /** The user id of every anonymous client. */
  public static final String NIL_UID = "sente/nil-uid";

  /** The Ajax POST marker for "wants a reply" (v3). */
  public static final String AJAX_MARKER = "ajax";

  /** The server's answer to a client ping. */
  public static final String PONG = "pong";

  private final Packer packer;

  private Protocol(Packer packer) {
    this.packer = Objects.requireNonNull(packer, "packer");
  }

  /** The wire forms written and read with the given packer. */
  public static Protocol of(Packer packer) {
    return new Protocol(packer);
  }

  /** The packer. */
  public Packer packer() {
    return packer;
  }

  /** The packer's keyword for a name. */
  public Object keyword(String name) {
    return packer.keyword(name);
  }

  // ---- writing

  /**
   * {@code [[:chsk/handshake [uid nil data]] nil]}; an empty user id writes {@code :sente/nil-uid}.
   */
  public Packed handshake(Optional<String> userId, Object handshakeData) {
    Object uid = userId.isPresent() ? userId.get() : packer.keyword(NIL_UID);
    List<Object> args = Arrays.asList(uid, null, handshakeData);
    return frame(Arrays.asList(packer.keyword(HANDSHAKE), args), null);
  }

  /**
   * A handshake with extension metadata: {@code [[:chsk/handshake [uid nil data]] nil meta]} (see
   * docs/protocol.md, "Extensions"); with a null {@code meta}, exactly {@link #handshake(Optional,
   * Object)}.
   */
  public Packed handshake(Optional<String> userId, Object handshakeData, Object meta) {
    Object uid = userId.isPresent() ? userId.get() : packer.keyword(NIL_UID);
    List<Object> args = Arrays.asList(uid, null, handshakeData);
    return frame(Arrays.asList(packer.keyword(HANDSHAKE), args), null, meta);
  }

  /** A server push: {@code [[ev1 ev2 ...] nil]}. */
  public Packed push(List<Event> events) {
    return push(events, null);
  }

  /**
   * A server push with extension metadata: {@code [[ev1 ev2 ...] nil meta]}; with a null {@code
   * meta}, exactly {@link #push(List)}.
   */
  public Packed push(List<Event> events, Object meta) {
    List<Object> evs = new ArrayList<>(events.size());
    for (Event e : events) {
      evs.add(eventValue(e));
    }
    return frame(evs, null, meta);
  }

  /** The server's keep-alive ping: {@code [:chsk/ws-ping nil]}, a bare keyword. */
  public Packed serverPing() {
    return frame(packer.keyword(WS_PING), null);
  }

  /** The server's answer to a client ping: {@code ["pong" cb]}. */
  public Packed pong(Object callbackId) {
    return frame(PONG, callbackId);
  }

  /** The answer to a client ping with extension meta: {@code ["pong" cb meta]}. */
  public Packed pong(Object callbackId, Object meta) {
    return frame(PONG, callbackId, meta);
  }

  /** A reply: {@code [value cb]} on WebSocket, {@code [value nil]} as an Ajax POST body. */
  public Packed reply(Object value, Object callbackIdOrNull) {
    return frame(value, callbackIdOrNull);
  }

  /** A reply whose value is a protocol keyword, such as {@code [:chsk/error cb]}. */
  public Packed keywordReply(String keywordName, Object callbackIdOrNull) {
    return frame(packer.keyword(keywordName), callbackIdOrNull);
  }

  /** {@code [:chsk/timeout nil]}. */
  public Packed timeout() {
    return keywordReply(TIMEOUT, null);
  }

  /** {@code [:chsk/dummy-cb-200 nil]}. */
  public Packed dummyReply() {
    return keywordReply(DUMMY_REPLY, null);
  }

  /** A client event: {@code [[id data] cb]}, where cb is a callback id, the Ajax marker or null. */
  public Packed clientEvent(Event event, Object callback) {
    return frame(eventValue(event), callback);
  }

  /** The Ajax "wants a reply" marker of this packer ({@code :ajax}). */
  public Object ajaxMarker() {
    return packer.keyword(AJAX_MARKER);
  }

  /** An event as a value: {@code [id data]}, or {@code [id]} without data. */
  public Object eventValue(Event event) {
    Object id = packer.keyword(event.id());
    return event.data() == null ? Collections.singletonList(id) : Arrays.asList(id, event.data());
  }

  /** Packs {@code [payload cb]}. */
  public Packed frame(Object payload, Object callback) {
    return packer.pack(Arrays.asList(payload, callback));
  }

  /** Packs {@code [payload cb meta]}, or {@code [payload cb]} when {@code meta} is null. */
  public Packed frame(Object payload, Object callback, Object meta) {
    return meta == null
        ? frame(payload, callback)
        : packer.pack(Arrays.asList(payload, callback, meta));
  }

  // ---- reading

  /** A read frame: its payload, its callback element (or null) and extension metadata (or null). */
  public record Frame(Object payload, Object callback, Object meta) {
    /** True when the second element is present and non-null. */
    public boolean hasCallback() {
      return callback != null;
    }
  }

  /**
   * Reads {@code [payload]} (v2), {@code [payload cb]} (v3) or {@code [payload cb meta]} (our
   * extensions). Throws {@link PackException} for anything else.
   */
  public Frame read(Packed packed) {
    Object value = packer.unpack(packed);
    if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > 3) {
      throw new PackException("A frame must be a vector of 1 to 3 elements: " + describe(value));
    }
    return new Frame(
        list.get(0), list.size() > 1 ? list.get(1) : null, list.size() > 2 ? list.get(2) : null);
  }

  /**
   * Reads an event value {@code [id]} or {@code [id data]} whose id is a namespaced keyword; empty
   * for anything else (which Sente delivers as {@code chsk/bad-event}).
   */
  public Optional<Event> readEvent(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty() || list.size() > 2) {
      return Optional.empty();
    }
    Optional<String> id = packer.keywordName(list.get(0)).filter(Event::isValidId);
    return id.map(name -> new Event(name, list.size() > 1 ? list.get(1) : null));
  }

  /** True when the value is the given protocol keyword in this packer. */
  public boolean isKeyword(Object value, String name) {
    return value != null && packer.keywordName(value).filter(name::equals).isPresent();
  }

  /** The handshake sent by a server, as a client reads it. */
  public record Handshake(Optional<String> userId, Object data) {}

  /** Reads a handshake payload ({@code [:chsk/handshake [uid nil data]]}, v2 too), if it is one. */
  public Optional<Handshake> readHandshake(Object payload) {
    Optional<Event> event = readEvent(payload);
    if (event.isEmpty() || !HANDSHAKE.equals(event.get().id())) {
      return Optional.empty();
    }
    if (!(event.get().data() instanceof List<?> args) || args.isEmpty()) {
      throw new PackException("Handshake without arguments: " + describe(payload));
    }
    Object uid = args.get(0);
    Optional<String> userId =
        uid == null || isKeyword(uid, NIL_UID)
            ? Optional.empty()
            : Optional.of(packer.keywordName(uid).orElse(String.valueOf(uid)));
    return Optional.of(new Handshake(userId, args.size() > 2 ? args.get(2) : null));
  }

  /**
   * Reads a server push payload, a vector of events. Throws {@link PackException} when an element
   * is not a valid event.
   */
  public List<Event> readPush(Object payload) {
    if (!(payload instanceof List<?> list)) {
      throw new PackException("A push must be a vector of events: " + describe(payload));
    }
    List<Event> events = new ArrayList<>(list.size());
    for (Object element : list) {
      Event event =
          readEvent(element)
              .orElseThrow(() -> new PackException("Not an event: " + describe(element)));
      events.add(event);
    }
    return events;
  }

  /** A short description of a value for error messages, cut to 200 characters. */
  public static String describe(Object value) {
    String text = String.valueOf(value);
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
