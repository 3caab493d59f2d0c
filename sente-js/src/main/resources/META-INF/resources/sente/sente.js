/**
 * sente.js: the browser client of Sente for Java. One ES module, no build step, no dependency.
 *
 * It speaks Sente's wire protocol (v3 framing, reading v2 too) with the JSON packer: every message
 * is the JSON text `[payload, callbackIdOrNull]`. It connects over a WebSocket, or over Ajax
 * long-polling when WebSockets are not available, and reconnects by itself. It asks for the resume
 * extension (docs/protocol.md, Extensions): where a server grants it, pushes missed while
 * reconnecting are delivered once, and every open after the first reports recovered or a gap.
 *
 * ```js
 * import { connect } from "/sente/sente.js";
 *
 * const chsk = connect("/chsk", { csrfToken: document.querySelector("meta[name=csrf]")?.content });
 * chsk.on("chat/line", (line) => render(line));
 * chsk.onState((state) => { if (state.firstOpen) chsk.send("chat/hello", { name: "ann" }); });
 * const saved = await chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5000 });
 * ```
 *
 * Lifecycle: `connect` starts connecting at once. The socket counts as open only when the server's
 * `chsk/handshake` arrives (the WebSocket `open` event is ignored, as in Sente). Sends made while
 * connecting or reconnecting are kept (at most 100, a request within its own `timeoutMs`) and go out
 * in order right after the next handshake. Where the server grants resume, sends without a reply
 * are numbered too, so that one lost with a broken connection goes out again (see `send`).
 * When the connection drops, the first retry is immediate, later ones wait an exponential,
 * jittered, capped delay; a handshake resets the count. `disconnect()` stops for good,
 * `reconnect()` starts over.
 *
 * Timers and background tabs: browsers run timers of hidden tabs late (up to once a minute), and may
 * freeze a tab entirely. Liveness is therefore judged by wall time (`Date.now()`), never by how many
 * timer ticks ran. A keep-alive ping is sent when nothing was received for `keepAliveMs / 2`; the
 * socket is dropped for `ws-ping-timeout` only when nothing at all (pong or any other message) arrived
 * since the ping was actually sent and at least `pingTimeoutMs` of wall time has passed since then.
 * A check that runs more than a second after it was due (a throttled or frozen tab) waits once more,
 * briefly, so that messages queued while the tab slept are read before it decides.
 *
 * @module sente
 */

/** The user id the server gives every anonymous client (`:sente/nil-uid` in Sente). */
export const NIL_UID = "sente/nil-uid";

/**
 * The default options. Every duration is in milliseconds.
 * @type {Readonly<{type: "auto", resume: true, keepAliveMs: number, pingTimeoutMs: number,
 *   wsRetryMs: number, ajaxTimeoutMs: number,
 *   backoff: Readonly<{baseMs: number, maxMs: number, jitter: number}>}>}
 */
export const DEFAULTS = Object.freeze({
  type: "auto",
  resume: true,
  keepAliveMs: 20_000,
  pingTimeoutMs: 5_000,
  wsRetryMs: 30_000,
  ajaxTimeoutMs: 60_000,
  backoff: Object.freeze({ baseMs: 4_000, maxMs: 30_000, jitter: 0.5 }),
});

/**
 * How many sends, with or without a reply, may be kept at one time while the socket connects or
 * reconnects (see `send`); one more is refused at once (`false`, or `chsk/closed` for a request).
 */
export const MAX_WAITING_SENDS = 100;

/** How late a timer may run before the ping check waits once more (see the module doc). */
const LATE_TIMER_MS = 1_000;

const WS_OPEN = 1;
const HANDSHAKE = "chsk/handshake";
const WS_PING = "chsk/ws-ping";
const WS_PONG = "chsk/ws-pong";
const TIMEOUT = "chsk/timeout";
const CLOSED = "chsk/closed";
const ERROR = "chsk/error";
const BAD_EVENT = "chsk/bad-event";
const PONG = "pong";
const AJAX_MARKER = "ajax";
const RECOVERY = "chsk/recovery";
const RESUME = "resume";

// ---------------------------------------------------------------- errors

/**
 * Why a reply did not come: the rejection of `send(id, data, { timeoutMs })`. `outcome` is Sente's
 * callback outcome: `"chsk/closed"` (not open when sending, or the connection closed before the
 * reply came), `"chsk/timeout"` (no reply within `timeoutMs`, or the server's own reply timeout),
 * `"chsk/error"` (the send failed, an HTTP or network error, or the server answered `chsk/error`).
 * Each outcome has its own subclass.
 */
export class SenteError extends Error {
  /**
   * @param {"chsk/closed"|"chsk/timeout"|"chsk/error"} outcome
   * @param {string} message
   * @param {{eventId?: string, status?: number, cause?: unknown}} [details]
   */
  constructor(outcome, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SenteError";
    /** @type {"chsk/closed"|"chsk/timeout"|"chsk/error"} */
    this.outcome = outcome;
    /** @type {string|null} the event whose reply failed */
    this.eventId = details.eventId ?? null;
    /** @type {number|null} the HTTP status, for an Ajax send answered with an error status */
    this.status = details.status ?? null;
  }
}

/** Outcome `"chsk/closed"`: the socket was not open, or closed before the reply came. */
export class SenteClosedError extends SenteError {
  /** @param {string} message @param {{eventId?: string, status?: number, cause?: unknown}} [details] */
  constructor(message, details) {
    super(CLOSED, message, details);
    this.name = "SenteClosedError";
  }
}

/** Outcome `"chsk/timeout"`: no reply in time. */
export class SenteTimeoutError extends SenteError {
  /** @param {string} message @param {{eventId?: string, status?: number, cause?: unknown}} [details] */
  constructor(message, details) {
    super(TIMEOUT, message, details);
    this.name = "SenteTimeoutError";
  }
}

/** Outcome `"chsk/error"`: the send failed, or the server answered with an error. */
export class SenteFailedError extends SenteError {
  /** @param {string} message @param {{eventId?: string, status?: number, cause?: unknown}} [details] */
  constructor(message, details) {
    super(ERROR, message, details);
    this.name = "SenteFailedError";
  }
}

// ---------------------------------------------------------------- helpers

/**
 * The default reconnect delay: exponential, jittered, capped. Retry 1 is always immediate (the
 * function is not asked); retry `n >= 2` waits between `(1 - jitter) * c` and `c`, where
 * `c = min(maxMs, baseMs * 2^(n - 2))`. The defaults give 2-4 s, 4-8 s, 8-16 s, then 15-30 s.
 *
 * @param {{baseMs?: number, maxMs?: number, jitter?: number}} [options]
 * @param {() => number} [random] a source of numbers in [0, 1)
 * @returns {(attempt: number) => number}
 */
export function exponentialBackoff(options = {}, random = Math.random) {
  const { baseMs, maxMs, jitter } = { ...DEFAULTS.backoff, ...options };
  if (!(baseMs > 0) || !(maxMs >= baseMs) || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError("backoff needs baseMs > 0, maxMs >= baseMs and 0 <= jitter <= 1");
  }
  return (attempt) => {
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 2, 0), 40));
    return Math.floor(ceiling * (1 - jitter * random()));
  };
}

/**
 * True for an event id Sente accepts: a namespaced name such as `"chat/send"` (both parts
 * non-empty, no whitespace, comma or double quote).
 * @param {unknown} id
 * @returns {id is string}
 */
export function isValidEventId(id) {
  if (typeof id !== "string") return false;
  const slash = id.indexOf("/");
  return slash > 0 && slash < id.length - 1 && !/[\s,"]/.test(id);
}

const isReserved = (id) => id.startsWith("chsk/");

/** `n` random bytes: from `crypto.getRandomValues` where there is one, else from `Math.random`. */
function randomBytes(n) {
  const b = new Uint8Array(n);
  const c = globalThis.crypto;
  if (typeof c?.getRandomValues === "function") c.getRandomValues(b);
  else for (let i = 0; i < n; i++) b[i] = Math.floor(Math.random() * 256);
  return b;
}

function randomUuid() {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID(); // secure contexts only
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function query(entries) {
  return entries
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
}

function withQuery(url, qs) {
  return qs ? `${url}${url.includes("?") ? "&" : "?"}${qs}` : url;
}

/** Reads `[payload]` (v2), `[payload, cb]` (v3) or `[payload, cb, meta]`; throws otherwise. */
function readFrame(text) {
  const frame = JSON.parse(text);
  if (!Array.isArray(frame) || frame.length < 1 || frame.length > 3) {
    throw new SyntaxError("A frame must be a JSON array of 1 to 3 elements");
  }
  return { payload: frame[0], cb: frame.length > 1 ? frame[1] : null, meta: frame[2] };
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);

/** A stream number: a non-negative safe integer. */
const isSeq = (v) => Number.isSafeInteger(v) && v >= 0;

/** The size of a gap as the server gave it: a count, or null when it does not know. */
const gapSize = (v) => (isSeq(v) ? v : null);

function isHandshake(payload) {
  return Array.isArray(payload) && payload[0] === HANDSHAKE;
}

function eventValue(id, data) {
  return data === undefined ? [id] : [id, data];
}

function outcomeError(value, eventId, status) {
  const details = { eventId, status };
  if (value === TIMEOUT) return new SenteTimeoutError(`No reply to ${eventId} in time`, details);
  if (value === CLOSED) return new SenteClosedError(`Closed before ${eventId} got a reply`, details);
  if (value === ERROR) return new SenteFailedError(`The server failed to reply to ${eventId}`, details);
  return null;
}

function positive(name, value) {
  if (typeof value !== "number" || !(value > 0)) {
    throw new TypeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

function normalizeProtocol(protocol) {
  const p = String(protocol).replace(/:$/, "").toLowerCase();
  if (p === "https" || p === "wss") return "https:";
  if (p === "http" || p === "ws") return "http:";
  throw new TypeError(`protocol must be http: or https:, got ${protocol}`);
}

// ---------------------------------------------------------------- numbered sends

/**
 * At most this many sends without a reply wait for the server to confirm them while it numbers
 * them (resume granted); one more is refused (`send` returns false).
 */
export const MAX_UNCONFIRMED = 1_000;

/** A WebSocket asks what the server handled (a ping) after this many numbered sends. */
const CONFIRM_EVERY = 100;

/** At most this many numbered Ajax POSTs are in flight, none this many past the oldest unconfirmed. */
const POST_WINDOW = 16;

/** A numbered POST answered 429 or 5xx, or not at all, is posted again after this long. */
const POST_RETRY_MS = 250;

const EPOCH_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function newEpoch() {
  return [...randomBytes(12)].map((x) => EPOCH_ALPHABET[x & 63]).join("");
}

/**
 * The other direction of resume (docs/protocol.md, "Events a client sends"): while the server
 * grants it, every send without a reply is numbered (`cseq`, from 1, in this socket's `cepoch`) and
 * kept until the server confirms it (a POST's 200, a pong's or a handshake's `cseq`); after a
 * reconnect the unconfirmed ones go out again, in order, and the server hands each to its handlers
 * once.
 */
class Outbox {
  epoch = newEpoch();
  #unconfirmed = new Map(); // cseq -> { eventId, event }, in number order
  #next = 1;
  #granted = false;
  #sinceAsked = 0;

  get granted() {
    return this.#granted;
  }

  /** The lowest unconfirmed number, or the next one when all are confirmed. */
  lowest() {
    for (const n of this.#unconfirmed.keys()) return n;
    return this.#next;
  }

  /**
   * A handshake arrived: numbering is on when it granted resume with a `cseq` (what the server
   * handled of this epoch). Returns what must go out again, in order: the unconfirmed sends after
   * `cseq`, numbered; without numbering, each unconfirmed send once more, unnumbered (`cseq` 0).
   */
  handshake(granted, confirmed) {
    this.#granted = granted && isSeq(confirmed);
    if (this.#granted) this.confirmUpTo(confirmed);
    const again = [...this.#unconfirmed].map(([n, s]) => ({ ...s, cseq: this.#granted ? n : 0 }));
    if (!this.#granted) this.#unconfirmed.clear();
    this.#sinceAsked = 0;
    return again;
  }

  /** Numbers a send about to go out: its `cseq`; 0 when numbering is off; -1 when the outbox is full. */
  number(eventId, event) {
    if (!this.#granted) return 0;
    if (this.#unconfirmed.size >= MAX_UNCONFIRMED) return -1;
    const n = this.#next++;
    this.#unconfirmed.set(n, { eventId, event });
    this.#sinceAsked += 1;
    return n;
  }

  /** The last number given could not be sent after all: it is taken back. */
  unnumber(cseq) {
    if (cseq > 0 && cseq === this.#next - 1) {
      this.#unconfirmed.delete(cseq);
      this.#next -= 1;
      this.#sinceAsked = Math.max(0, this.#sinceAsked - 1);
    }
  }

  /** True once every CONFIRM_EVERY numbered sends: time to ask what was handled. */
  wantsConfirmation() {
    if (this.#sinceAsked < CONFIRM_EVERY) return false;
    this.#sinceAsked = 0;
    return true;
  }

  /** The server handled every number up to `handled`. */
  confirmUpTo(handled) {
    for (const n of this.#unconfirmed.keys()) {
      if (n > handled) return;
      this.#unconfirmed.delete(n);
    }
  }

  /** The server has this one (its POST's answer). */
  confirm(cseq) {
    this.#unconfirmed.delete(cseq);
  }

  /** The send numbered `cseq` while it is unconfirmed, else undefined. */
  get(cseq) {
    return this.#unconfirmed.get(cseq);
  }
}

// ---------------------------------------------------------------- the socket

/**
 * Connects to a Sente server and returns the socket. Connecting starts at once; the socket is open
 * when the server's handshake arrives (watch `onState` for `firstOpen`).
 *
 * @param {string} path the endpoint path, e.g. `"/chsk"`
 * @param {import("./sente.js").ConnectOptions} [options]
 * @returns {import("./sente.js").SenteSocket}
 */
export function connect(path, options = {}) {
  return new Socket(path, options);
}

class Socket {
  #path;
  #o; // resolved options
  #backoff;
  #WebSocket;
  #fetch;
  #state;
  #listeners = new Map();
  #anyListeners = new Set();
  #stateListeners = new Set();
  #mode; // the transport in use: "ws" | "ajax"
  #conn = null; // the current connection
  #probe = null; // auto mode on Ajax: a background WebSocket trying to move back
  #wsHandshaked = false; // a WebSocket has completed a handshake on this socket
  #attempt = 0;
  #reconnectTimer = null;
  #probeTimer = null;
  #stopped = false;
  #unloading = false;
  #pending = new Map(); // WebSocket replies: cb id -> { conn, eventId, resolve, reject, timer }
  #waiting = []; // sends kept while connecting or reconnecting, in order: { eventId, event, reply, ... }
  #cursor = null; // resume granted: { epoch, seq }, the last event of the user's stream we have
  #posts = new Set(); // AbortControllers of Ajax sends in flight
  #outbox = new Outbox(); // sends without a reply, numbered while the server grants resume
  #windowListeners = [];
  #clientId;

  constructor(path, options) {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError(`path must start with "/", got ${path}`);
    }
    /** @type {Record<string, any>} */
    const o = { ...DEFAULTS };
    for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) o[k] = v;
    if (!["auto", "ws", "ajax"].includes(o.type)) {
      throw new TypeError(`type must be "auto", "ws" or "ajax", got ${o.type}`);
    }
    positive("keepAliveMs", o.keepAliveMs);
    positive("pingTimeoutMs", o.pingTimeoutMs);
    positive("ajaxTimeoutMs", o.ajaxTimeoutMs);
    if (typeof o.wsRetryMs !== "number" || !(o.wsRetryMs >= 0)) {
      throw new TypeError(`wsRetryMs must be a number >= 0 (0 turns it off), got ${o.wsRetryMs}`);
    }
    const csrf = o.csrfToken;
    if (csrf != null && typeof csrf !== "string" && typeof csrf !== "function") {
      throw new TypeError("csrfToken must be a string or a function returning one");
    }
    if (o.params != null && typeof o.params !== "object") {
      throw new TypeError("params must be an object of query parameters");
    }
    if (typeof o.resume !== "boolean") throw new TypeError(`resume must be true or false, got ${o.resume}`);
    if (o.stopReconnecting != null && typeof o.stopReconnecting !== "function") {
      throw new TypeError("stopReconnecting must be a function");
    }
    this.#backoff = typeof o.backoff === "function" ? o.backoff : exponentialBackoff(o.backoff);
    const loc = globalThis.location;
    o.host = o.host ?? loc?.host;
    if (!o.host) throw new TypeError("host is required where there is no window.location");
    o.protocol = normalizeProtocol(o.protocol ?? loc?.protocol ?? "http:");
    o.onError = o.onError ?? ((error) => console.error("sente:", error));
    this.#o = o;
    this.#path = path;
    this.#WebSocket = o.WebSocket ?? globalThis.WebSocket;
    const fetchFn = o.fetch ?? globalThis.fetch;
    // called with globalThis as `this`: the browser's fetch throws "Illegal invocation" otherwise
    this.#fetch =
      typeof fetchFn === "function" ? (url, init) => fetchFn.call(globalThis, url, init) : undefined;
    if (o.type === "ws" && typeof this.#WebSocket !== "function") {
      throw new TypeError('type "ws" needs a WebSocket (none in this environment)');
    }
    if (o.type !== "ws" && typeof this.#fetch !== "function" && typeof this.#WebSocket !== "function") {
      throw new TypeError("neither WebSocket nor fetch is available");
    }
    this.#clientId = o.clientId ?? randomUuid();
    if (typeof this.#clientId !== "string" || this.#clientId.trim() === "") {
      throw new TypeError("clientId must be a non-blank string");
    }
    this.#mode = this.#initialMode();
    this.#state = Object.freeze({
      type: this.#mode,
      open: false,
      everOpened: false,
      firstOpen: false,
      openChanged: false,
      userId: null,
      handshakeData: null,
      lastClose: null,
      nextReconnectAt: null,
      stopped: false,
    });
    this.#listenToWindow();
    this.#connectNow();
  }

  /** The client id sent to the server. @returns {string} */
  get clientId() {
    return this.#clientId;
  }

  /**
   * The epoch of this socket's numbering of its sends (resume, docs/protocol.md): new for every
   * socket, so a reloaded page starts a new one. @returns {string}
   */
  get clientEpoch() {
    return this.#outbox.epoch;
  }

  /** The current state: a frozen snapshot, replaced on every change. @returns {import("./sente.js").SenteState} */
  get state() {
    return this.#state;
  }

  // ------------------------------------------------------------ public API

  /**
   * Sends an event. Without `options` it returns true when the event went out or is kept to go out
   * (see below), false when it was refused (nothing is sent, ever). With `{ timeoutMs }` it asks
   * for a reply and returns a promise of it, rejected with a {@link SenteError} (see its
   * `outcome`). Throws TypeError for an invalid or reserved (`chsk/`) event id, data JSON cannot
   * write, or a bad `timeoutMs`.
   *
   * Kept sends: a send made while the socket connects or reconnects (before its first open, or
   * after a drop), with or without a reply, is kept, at most {@link MAX_WAITING_SENDS}, each until
   * its own timeout (a request) or until sent. Kept sends go out right after the next handshake, in
   * the order of the calls, before anything the state listeners send. `timeoutMs` counts from the
   * call, so it bounds the wait and the reply together: not open in time rejects with
   * `chsk/timeout`, and nothing is sent later. `pending()` lists the kept sends and `dropPending()`
   * drops them; `disconnect()`, or `stopReconnecting` giving up, drops them too (requests reject
   * with `chsk/closed`). A send made while the socket is stopped, or while
   * {@link MAX_WAITING_SENDS} are kept already, is refused at once: false, or `chsk/closed`.
   *
   * Numbered sends: where the server grants resume (its handshake carries a `cseq`), every send
   * without a reply is numbered and kept until the server confirms it (a POST's answer, a pong's
   * or a handshake's `cseq`). One written into a connection that then breaks goes out again after
   * the reconnect, before anything newer, and the server hands it to its handlers once, in order.
   * At most {@link MAX_UNCONFIRMED} wait for their confirmation; a send beyond is refused (false,
   * reported to `onError`). Requests are not numbered: they get their reply or fail.
   *
   * @param {string} eventId a namespaced id such as `"chat/send"`
   * @param {unknown} [data] any JSON value; leave it out to send `[eventId]`
   * @param {{timeoutMs: number}} [options] ask for a reply, waiting at most `timeoutMs`
   * @returns {boolean | Promise<unknown>}
   */
  send(eventId, data, options) {
    if (!isValidEventId(eventId)) {
      throw new TypeError(`event id must be a namespaced name like "chat/send", got ${eventId}`);
    }
    if (isReserved(eventId)) throw new TypeError(`the chsk/ namespace is reserved: ${eventId}`);
    const event = JSON.stringify(eventValue(eventId, data)); // throws for data JSON cannot write
    if (options === undefined) return this.#sendNoReply(eventId, event);
    const timeoutMs = options?.timeoutMs;
    if (typeof timeoutMs !== "number" || !(timeoutMs >= 0)) {
      throw new TypeError(`a reply needs options.timeoutMs >= 0, got ${timeoutMs}`);
    }
    return this.#sendWithReply(eventId, event, timeoutMs);
  }

  /**
   * Calls `fn(data, eventId)` for each event with this id, pushed by the server (or one of
   * `chsk/handshake`, `chsk/ws-ping`, `chsk/bad-event`, see `onAny`).
   *
   * @param {string} eventId
   * @param {(data: unknown, eventId: string) => void} fn
   * @returns {() => void} the unsubscribe function
   */
  on(eventId, fn) {
    if (typeof eventId !== "string") throw new TypeError("eventId must be a string");
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    let set = this.#listeners.get(eventId);
    if (!set) this.#listeners.set(eventId, (set = new Set()));
    const entry = (d, id) => fn(d, id); // a distinct entry, so one fn may subscribe twice
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#listeners.get(eventId) === set) this.#listeners.delete(eventId);
    };
  }

  /**
   * Calls `fn(eventId, data)` for every event: the server's pushes, and as in Sente
   * `chsk/handshake` with `[uid, null, handshakeData, firstHandshake]`, `chsk/ws-ping` (the server
   * pinged; no data), `chsk/bad-event` with a pushed value that is not a valid event, and
   * `chsk/recovery` with what resume recovered (`{recovered: true}` or `{recovered: false, gap}`,
   * after every open but the first, and on a gap inside a session; never when the server does not
   * grant resume). State changes go to `onState` only.
   *
   * @param {(eventId: string, data: unknown) => void} fn
   * @returns {() => void} the unsubscribe function
   */
  onAny(fn) {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    const entry = (id, d) => fn(id, d);
    this.#anyListeners.add(entry);
    return () => this.#anyListeners.delete(entry);
  }

  /**
   * Calls `fn(state, previous)` on every state change. `state.openChanged` and `state.firstOpen`
   * describe that change.
   *
   * @param {(state: import("./sente.js").SenteState, previous: import("./sente.js").SenteState) => void} fn
   * @returns {() => void} the unsubscribe function
   */
  onState(fn) {
    if (typeof fn !== "function") throw new TypeError("fn must be a function");
    const entry = (s, p) => fn(s, p);
    this.#stateListeners.add(entry);
    return () => this.#stateListeners.delete(entry);
  }

  /**
   * The sends kept while the socket connects or reconnects, in the order they will go out:
   * `{ eventId, data, reply, deadline }` (`reply`: a request; `deadline`: when it times out, epoch
   * ms, or null for a send without a reply). A snapshot: changing it changes nothing.
   *
   * @returns {import("./sente.js").PendingSend[]}
   */
  pending() {
    return this.#waiting.map((w) => this.#view(w));
  }

  /**
   * Drops kept sends, all of them or those for which `which(pending)` is true: they are never sent,
   * and a dropped request rejects with `chsk/closed`. Returns how many were dropped.
   *
   * @param {(pending: import("./sente.js").PendingSend) => boolean} [which]
   * @returns {number}
   */
  dropPending(which) {
    if (which !== undefined && typeof which !== "function") {
      throw new TypeError("dropPending takes a function (pending) => boolean, or nothing");
    }
    // the predicate runs over all of them first: one that throws leaves every send kept
    const drop = this.#waiting.filter((w) => which === undefined || which(this.#view(w)));
    if (drop.length === 0) return 0;
    this.#waiting = this.#waiting.filter((w) => !drop.includes(w));
    for (const w of drop) {
      clearTimeout(w.timer);
      const message = `Dropped before ${w.eventId} was sent`;
      if (w.reply) w.reject(new SenteClosedError(message, { eventId: w.eventId }));
    }
    return drop.length;
  }

  #view(w) {
    const event = JSON.parse(w.event);
    return Object.freeze({ eventId: w.eventId, data: event[1], reply: w.reply, deadline: w.deadline });
  }

  /** Closes the connection and stops reconnecting; pending replies reject with chsk/closed. */
  disconnect() {
    const wasStopped = this.#stopped;
    this.#stopped = true; // first: the aborted sends below reject with chsk/closed
    this.#rejectWaiting(
      (id) => new SenteClosedError(`Disconnected before ${id} was sent`, { eventId: id }),
    );
    for (const c of this.#posts) c.abort();
    for (const remove of this.#windowListeners) remove();
    this.#windowListeners = [];
    if (!wasStopped || this.#conn !== null) this.#teardown("requested-disconnect");
  }

  /**
   * Closes the connection and connects again at once, starting over (in auto mode with a
   * WebSocket). Use it after login or logout so the server sees the new session.
   */
  reconnect() {
    this.#stopped = false;
    this.#mode = this.#initialMode();
    this.#teardown("requested-reconnect");
    this.#unloading = false;
    this.#attempt = 0;
    if (this.#windowListeners.length === 0) this.#listenToWindow();
    this.#connectNow();
  }

  /**
   * Test helper (Sente's `chsk-break-connection!`). `closeWs: true` (default) closes the WebSocket
   * with code 3000, which reconnects as usual; `closeWs: false` makes it half-dead: nothing more is
   * read or written, until the keep-alive finds out. On Ajax it aborts the poll.
   *
   * @param {{closeWs?: boolean}} [options]
   */
  breakConnection({ closeWs = true } = {}) {
    const conn = this.#conn;
    if (!conn) return;
    if (conn.kind === "ajax") {
      conn.controller?.abort();
    } else if (closeWs) {
      try {
        conn.ws.close(3000, "CLOSE_ABNORMAL");
      } catch (e) {
        this.#report(e);
      }
    } else {
      conn.halfDead = true;
    }
  }

  // ------------------------------------------------------------ connecting

  #initialMode() {
    if (this.#o.type === "ajax") return "ajax";
    if (this.#o.type === "ws") return "ws";
    return typeof this.#WebSocket === "function" ? "ws" : "ajax";
  }

  #connectNow() {
    this.#clearReconnectTimer();
    if (this.#stopped) return;
    this.#dropConn(); // a listener may have connected already (e.g. reconnect() in onState)
    if (this.#state.nextReconnectAt !== null) this.#setState({ nextReconnectAt: null });
    if (this.#mode === "ajax") {
      // toPost: numbered sends waiting to be posted, lowest first; inFlight: numbered POSTs out
      const ajax = {
        kind: "ajax",
        controller: null,
        handshaked: false,
        closed: false,
        toPost: [],
        inFlight: 0,
      };
      this.#conn = ajax;
      this.#poll(ajax).catch((e) => this.#report(e));
      return;
    }
    const conn = this.#openWs();
    if (conn instanceof Error) {
      this.#conn = null;
      if (this.#mayDowngrade(null)) this.#downgrade({});
      else this.#failed({ reason: "ws-error" });
      return;
    }
    this.#conn = conn;
    // A socket whose upgrade is accepted but never answered (a broken proxy) would wait forever:
    // without a handshake within keepAliveMs/2 + pingTimeoutMs it counts as failed.
    conn.handshakeTimer = setTimeout(() => {
      if (conn !== this.#conn || conn.handshaked || conn.dead) return;
      this.#dropWs(conn, 3000, "handshake-timeout");
      if (this.#mayDowngrade(conn)) this.#downgrade({});
      else this.#failed({ reason: "unexpected" });
    }, this.#o.keepAliveMs / 2 + this.#o.pingTimeoutMs);
  }

  #token() {
    const t = this.#o.csrfToken;
    let token = t;
    if (typeof t === "function") {
      try {
        token = t();
      } catch (e) {
        this.#report(e);
        token = null;
      }
    }
    return token == null || token === "" ? null : String(token);
  }

  #userParams(reserved) {
    return Object.entries(this.#o.params ?? {}).filter(([k]) => !reserved.includes(k));
  }

  #httpUrl() {
    return `${this.#o.protocol}//${this.#o.host}${this.#path}`;
  }

  /**
   * The resume extension's query: `ext=resume`; with `handshake` (a request the server may answer
   * with a handshake: the WebSocket URL, every Ajax GET) also the cursor when there is one, and the
   * numbering of this socket's sends (`cepoch`, and `cfrom`, the lowest number it may still send).
   */
  #resumeQuery(handshake) {
    if (!this.#o.resume) return [];
    if (!handshake) return [["ext", RESUME]];
    const c = this.#cursor;
    const cursor = c === null ? [] : [["epoch", c.epoch], ["seq", c.seq]];
    const numbering = [["cepoch", this.#outbox.epoch], ["cfrom", this.#outbox.lowest()]];
    return [["ext", RESUME], ...cursor, ...numbering];
  }

  /** The query names of the protocol, which win a clash with the application's `params`. */
  #reserved(names) {
    return this.#o.resume ? [...names, "ext", "epoch", "seq", "cepoch", "cfrom", "cseq"] : names;
  }

  #wsUrl() {
    const scheme = this.#o.protocol === "https:" ? "wss:" : "ws:";
    const qs = query([
      ...this.#userParams(this.#reserved(["client-id", "csrf-token"])),
      ["client-id", this.#clientId],
      ["csrf-token", this.#token()],
      ...this.#resumeQuery(true),
    ]);
    return withQuery(`${scheme}//${this.#o.host}${this.#path}`, qs);
  }

  #headers(extra) {
    const token = this.#token();
    const headers = { "X-Requested-With": "XMLHTTPRequest", ...extra };
    if (token !== null) headers["X-CSRF-Token"] = token;
    return headers;
  }

  #setState(patch) {
    const old = this.#state;
    const next = { ...old, ...patch };
    next.openChanged = old.open !== next.open;
    next.firstOpen = next.openChanged && next.open && !old.everOpened;
    this.#state = Object.freeze(next);
    for (const fn of [...this.#stateListeners]) this.#call(fn, this.#state, old);
  }

  #closeState(info, patch = {}) {
    const lastClose = { reason: info.reason, at: Date.now() };
    if (info.code !== undefined) lastClose.code = info.code;
    if (info.status !== undefined) lastClose.status = info.status;
    this.#setState({ ...patch, open: false, nextReconnectAt: null, lastClose: Object.freeze(lastClose) });
    return lastClose;
  }

  /** The current connection failed or closed: close the state and retry. */
  #failed(info) {
    this.#conn = null;
    this.#rejectPending(
      (id) => new SenteClosedError(`Connection closed before ${id} got a reply`, { eventId: id }),
    );
    const lastClose = this.#closeState(info);
    if (this.#conn !== null) return; // a state listener called reconnect()
    this.#retry({ ...lastClose, type: this.#mode });
  }

  #retry(closeInfo) {
    if (this.#stopped || this.#unloading) return;
    const attempt = this.#attempt + 1;
    let stop = false;
    try {
      stop = Boolean(this.#o.stopReconnecting?.({ ...closeInfo, attempt }));
    } catch (e) {
      this.#report(e);
    }
    if (stop) {
      this.#stopped = true;
      this.#rejectWaiting(
        (id) => new SenteClosedError(`Stopped reconnecting before ${id} was sent`, { eventId: id }),
      );
      this.#clearProbe();
      this.#setState({ stopped: true, nextReconnectAt: null });
      return;
    }
    this.#attempt = attempt;
    if (attempt === 1) {
      this.#connectNow();
      return;
    }
    let delay;
    try {
      delay = Number(this.#backoff(attempt));
    } catch (e) {
      this.#report(e);
    }
    if (!(delay >= 0)) delay = DEFAULTS.backoff.maxMs; // a broken backoff must not spin
    this.#setState({ nextReconnectAt: Date.now() + delay });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connectNow();
    }, delay);
  }

  #clearReconnectTimer() {
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }

  /** Closes the current connection quietly: no close event, no retry. */
  #dropConn() {
    const conn = this.#conn;
    this.#conn = null;
    if (conn?.kind === "ws") this.#dropWs(conn, 1000, "CLOSE_NORMAL");
    if (conn?.kind === "ajax") {
      conn.closed = true;
      conn.controller?.abort();
    }
  }

  #teardown(reason) {
    this.#clearReconnectTimer();
    this.#clearProbe();
    this.#dropConn();
    this.#rejectPending(
      (id) => new SenteClosedError(`Disconnected before ${id} got a reply`, { eventId: id }),
    );
    this.#closeState({ reason }, { stopped: this.#stopped, type: this.#mode });
  }

  #onHandshake(conn, args, meta) {
    if (!Array.isArray(args)) {
      this.#report(new TypeError(`A handshake must carry [uid, csrf, data], got ${JSON.stringify(args)}`));
      return;
    }
    if (conn === this.#probe) this.#promoteProbe(conn);
    const recovery = this.#resumeHandshake(meta, !this.#state.everOpened);
    const again = this.#outbox.handshake(this.#cursor !== null, isObject(meta) ? meta.cseq : undefined);
    const uid = args[0] ?? NIL_UID;
    const data = args.length > 2 && args[2] !== undefined ? args[2] : null;
    conn.handshaked = true;
    clearTimeout(conn.handshakeTimer);
    this.#attempt = 0;
    this.#clearReconnectTimer();
    if (conn.kind === "ws") {
      this.#wsHandshaked = true;
      this.#startKeepAlive(conn);
    }
    this.#sendAgain(conn, again);
    this.#sendWaiting(conn);
    const first = !this.#state.everOpened;
    const patch = {
      open: true,
      everOpened: true,
      type: conn.kind,
      userId: uid === NIL_UID ? null : uid,
      handshakeData: data,
      nextReconnectAt: null,
      stopped: false,
    };
    if (recovery) patch.recovery = recovery;
    this.#setState(patch);
    this.#emit(HANDSHAKE, [uid, null, data, first]);
    if (recovery) this.#emit(RECOVERY, recovery);
  }

  // ------------------------------------------------------------ resume

  /**
   * Reads the handshake's grant (its `meta`), moves the cursor, and returns what to report: null on
   * the first open, or when resume was neither granted now nor before; otherwise recovered or gap.
   * Recovered only when the server says so for the cursor this client holds.
   */
  #resumeHandshake(meta, first) {
    const had = this.#cursor;
    const grant = this.#o.resume ? this.#readGrant(meta) : null;
    if (grant === null) {
      this.#cursor = null; // not granted: a plain Sente client from now on
      return had !== null && !first ? Object.freeze({ recovered: false, gap: null }) : null;
    }
    const recovered = grant.recovered === true && had !== null && had.epoch === grant.epoch;
    // Recovered: never backwards (a WebSocket tried while Ajax went on holds an older cursor).
    // Otherwise the server's cursor is the one that counts, even a lower one (ours was not valid).
    this.#cursor = { epoch: grant.epoch, seq: recovered ? Math.max(had.seq, grant.seq) : grant.seq };
    if (first) return null;
    if (recovered) return Object.freeze({ recovered: true });
    return Object.freeze({ recovered: false, gap: grant.recovered === false ? gapSize(grant.gap) : null });
  }

  /** The handshake's resume grant `{ epoch, seq, recovered, gap }`, or null when not granted. */
  #readGrant(meta) {
    if (!isObject(meta) || !Array.isArray(meta.ext) || !meta.ext.includes(RESUME)) return null;
    if (typeof meta.epoch !== "string" || meta.epoch === "" || !isSeq(meta.seq)) {
      const got = JSON.stringify({ epoch: meta.epoch, seq: meta.seq });
      this.#report(new TypeError(`A resume grant needs a string epoch and a seq >= 0, got ${got}: ignored`));
      return null;
    }
    return meta;
  }

  /**
   * A push: with resume granted, its `meta.seq` numbers its events (the last one is `seq`); those at
   * or below the cursor are had already and dropped. A `meta.gap` is reported before what follows;
   * the frame's `seq` is then the new cursor, even a lower one, and all its events are new.
   */
  #receivePush(payload, meta) {
    const c = this.#cursor;
    if (c === null || !Array.isArray(payload) || !isObject(meta) || !isSeq(meta.seq)) {
      this.#receiveEvents(payload);
      return;
    }
    if ("gap" in meta) {
      const epoch = typeof meta.epoch === "string" && meta.epoch !== "" ? meta.epoch : c.epoch;
      this.#cursor = { epoch, seq: meta.seq };
      const recovery = Object.freeze({ recovered: false, gap: gapSize(meta.gap) });
      this.#setState({ recovery });
      this.#emit(RECOVERY, recovery);
      this.#receiveEvents(payload);
      return;
    }
    const firstSeq = meta.seq - payload.length + 1;
    const fresh = payload.filter((_, i) => firstSeq + i > c.seq);
    this.#cursor = { epoch: c.epoch, seq: Math.max(c.seq, meta.seq) };
    this.#receiveEvents(fresh);
  }

  // ------------------------------------------------------------ events

  #emit(id, data) {
    const set = this.#listeners.get(id);
    if (set) for (const fn of [...set]) this.#call(fn, data, id);
    for (const fn of [...this.#anyListeners]) this.#call(fn, id, data);
  }

  #call(fn, a, b) {
    try {
      fn(a, b);
    } catch (e) {
      this.#report(e);
    }
  }

  #report(error) {
    try {
      this.#o.onError(error);
    } catch {
      // an error hook that throws has nowhere left to report to
    }
  }

  #receiveEvents(payload) {
    if (!Array.isArray(payload)) {
      this.#emit(BAD_EVENT, payload);
      return;
    }
    for (const ev of payload) {
      const ok = Array.isArray(ev) && ev.length >= 1 && ev.length <= 2 && isValidEventId(ev[0]);
      if (ok && !isReserved(ev[0])) this.#emit(ev[0], ev[1]);
      else this.#emit(BAD_EVENT, ev);
    }
  }

  // ------------------------------------------------------------ sending

  #sendNoReply(eventId, event) {
    if (this.#state.open && this.#conn) return this.#writeNoReply(this.#conn, eventId, event);
    if (this.#stopped || this.#waiting.length >= MAX_WAITING_SENDS) return false;
    const w = { eventId, event, reply: false, deadline: null, resolve: null, reject: null, timer: null };
    this.#waiting.push(w);
    return true;
  }

  /** Writes a send without a reply, numbered while the server numbers this socket's sends. */
  #writeNoReply(conn, eventId, event) {
    const cseq = this.#outbox.number(eventId, event);
    if (cseq < 0) {
      const why = `${MAX_UNCONFIRMED} sent events wait for the server to confirm them`;
      this.#report(new Error(`A send of ${eventId} was refused: ${why}`));
      return false;
    }
    if (this.#write(conn, eventId, event, cseq)) return true;
    this.#outbox.unnumber(cseq);
    return false;
  }

  /** Writes a send without a reply, numbered `cseq` (0: not numbered). */
  #write(conn, eventId, event, cseq) {
    if (conn.kind === "ajax") {
      if (cseq > 0) this.#queuePost(conn, cseq);
      else this.#post(eventId, event, false, this.#o.ajaxTimeoutMs).catch(() => {});
      return true;
    }
    if (cseq === 0) return this.#wsWrite(conn, `[${event},null]`);
    if (!this.#wsWrite(conn, `[${event},null,{"cseq":${cseq}}]`)) return false;
    if (this.#outbox.wantsConfirmation()) {
      // the pong's meta says what the server handled, so the outbox can forget it
      const cb = this.#newCallbackId();
      conn.confirmPings.add(cb);
      this.#wsWrite(conn, JSON.stringify([[WS_PING], cb]));
    }
    return true;
  }

  /** After a handshake: the unconfirmed sends go out again, in order, before anything newer. */
  #sendAgain(conn, again) {
    if (conn.kind === "ajax") conn.toPost = [];
    for (const s of again) {
      if (conn !== this.#conn || conn.dead) return; // a write failed: they go after the next handshake
      this.#write(conn, s.eventId, s.event, s.cseq);
    }
  }

  #sendWithReply(eventId, event, timeoutMs) {
    if (this.#state.open && this.#conn) {
      return this.#writeWithReply(this.#conn, eventId, event, timeoutMs);
    }
    if (this.#stopped) {
      return Promise.reject(new SenteClosedError(`Not open: ${eventId} was not sent`, { eventId }));
    }
    if (this.#waiting.length >= MAX_WAITING_SENDS) {
      const waiting = `${MAX_WAITING_SENDS} sends are already waiting`;
      return Promise.reject(
        new SenteClosedError(`Not open, and ${waiting}: ${eventId} was not sent`, { eventId }),
      );
    }
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const w = { eventId, event, reply: true, deadline, resolve, reject, timer: null };
      w.timer = setTimeout(() => {
        this.#waiting = this.#waiting.filter((x) => x !== w);
        const message = `Not open within ${timeoutMs} ms: ${eventId} was not sent`;
        reject(new SenteTimeoutError(message, { eventId }));
      }, timeoutMs);
      this.#waiting.push(w);
    });
  }

  /** The connection just opened: the kept sends go out on it, in order, requests with their time left. */
  #sendWaiting(conn) {
    while (this.#waiting.length > 0) {
      if (conn !== this.#conn || conn.dead) return; // a write failed and closed it: the rest stay kept
      const w = this.#waiting.shift();
      clearTimeout(w.timer);
      if (!w.reply) {
        this.#writeNoReply(conn, w.eventId, w.event);
        continue;
      }
      const left = Math.max(0, w.deadline - Date.now());
      this.#writeWithReply(conn, w.eventId, w.event, left).then(w.resolve, w.reject);
    }
  }

  #rejectWaiting(makeError) {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const w of waiting) {
      clearTimeout(w.timer);
      if (w.reply) w.reject(makeError(w.eventId));
    }
  }

  #writeWithReply(conn, eventId, event, timeoutMs) {
    if (conn.kind === "ajax") return this.#post(eventId, event, true, timeoutMs);
    const cb = this.#newCallbackId();
    return new Promise((resolve, reject) => {
      if (!this.#wsWrite(conn, `[${event},${JSON.stringify(cb)}]`)) {
        reject(new SenteFailedError(`Sending ${eventId} failed`, { eventId }));
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(cb);
        reject(new SenteTimeoutError(`No reply to ${eventId} within ${timeoutMs} ms`, { eventId }));
      }, timeoutMs);
      this.#pending.set(cb, { conn, eventId, resolve, reject, timer });
    });
  }

  #newCallbackId() {
    let id;
    do id = randomUuid().slice(0, 6);
    while (this.#pending.has(id) || id === this.#conn?.pingCb || this.#conn?.confirmPings?.has(id));
    return id;
  }

  #rejectPending(makeError) {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(makeError(p.eventId));
    }
  }

  #settle(p, value) {
    clearTimeout(p.timer);
    const error = outcomeError(value, p.eventId);
    if (error) p.reject(error);
    else p.resolve(value);
  }

  // ------------------------------------------------------------ WebSocket

  #openWs() {
    let ws;
    try {
      ws = new this.#WebSocket(this.#wsUrl());
      ws.binaryType = "arraybuffer";
    } catch (e) {
      this.#report(e);
      return e instanceof Error ? e : new Error(String(e));
    }
    const conn = {
      kind: "ws",
      ws,
      handshaked: false,
      dead: false,
      halfDead: false,
      received: 0,
      lastReceivedAt: Date.now(),
      keepAliveTimer: null,
      handshakeTimer: null,
      pingCb: null,
      pingSentAt: 0,
      pingReceived: 0,
      pingDueAt: 0,
      pingGraceUsed: false,
      pingTimer: null,
      confirmPings: new Set(), // callback ids of the pings sent to learn what the server handled
    };
    ws.onmessage = (ev) => this.#onWsMessage(conn, ev?.data);
    ws.onerror = () => this.#onWsError(conn);
    ws.onclose = (ev) => this.#onWsClose(conn, ev);
    return conn;
  }

  #isLive(conn) {
    return !conn.dead && (conn === this.#conn || conn === this.#probe);
  }

  #wsWrite(conn, text) {
    if (conn.halfDead) return true; // what a half-open TCP connection does: the write vanishes
    if (conn.ws.readyState !== WS_OPEN) return false; // closing: its close event follows
    try {
      conn.ws.send(text);
      return true;
    } catch (e) {
      this.#report(e);
      if (conn === this.#conn) {
        this.#dropWs(conn, 3000, "ws-error");
        this.#failed({ reason: "ws-error" });
      }
      return false;
    }
  }

  #onWsMessage(conn, raw) {
    if (!this.#isLive(conn) || conn.halfDead) return;
    conn.received += 1;
    conn.lastReceivedAt = Date.now();
    let frame;
    try {
      const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
      frame = readFrame(text);
    } catch (e) {
      this.#report(new SyntaxError(`Unreadable frame from the server: ${e.message}`));
      return;
    }
    const { payload, cb, meta } = frame;
    if (isHandshake(payload)) {
      this.#onHandshake(conn, payload[1], meta);
    } else if (payload === WS_PING) {
      this.#wsWrite(conn, JSON.stringify([[WS_PONG], null]));
      if (conn === this.#conn) this.#emit(WS_PING, undefined);
    } else if (conn !== this.#conn) {
      // a probe before its handshake: nothing else is expected yet
    } else if (cb !== null && cb !== undefined) {
      // a pong to a numbering client says what the server handled of its sends
      if (isObject(meta) && isSeq(meta.cseq) && this.#outbox.granted) this.#outbox.confirmUpTo(meta.cseq);
      this.#onReply(conn, cb, payload);
    } else {
      this.#receivePush(payload, meta);
    }
  }

  #onReply(conn, cb, value) {
    if (cb === conn.pingCb) {
      this.#pingAnswered(conn);
      return;
    }
    if (conn.confirmPings.delete(cb)) return;
    const p = this.#pending.get(cb);
    if (!p || p.conn !== conn) {
      if (value !== PONG) this.#report(new Error(`A reply for an unknown callback id ${cb} was dropped`));
      return;
    }
    this.#pending.delete(cb);
    this.#settle(p, value);
  }

  #mayDowngrade(conn) {
    return (
      this.#o.type === "auto" && !this.#wsHandshaked && !conn?.handshaked && typeof this.#fetch === "function"
    );
  }

  #onWsError(conn) {
    if (!this.#isLive(conn)) return;
    if (conn === this.#probe) {
      this.#dropProbe();
      return;
    }
    if (this.#mayDowngrade(conn)) this.#downgrade({});
    // otherwise the close event follows and reconnects
  }

  #onWsClose(conn, ev) {
    if (!this.#isLive(conn)) return;
    if (conn === this.#probe) {
      this.#dropProbe();
      return;
    }
    const code = ev?.code;
    if (this.#mayDowngrade(conn)) {
      this.#downgrade({ code });
      return;
    }
    this.#dropWs(conn);
    this.#failed({ reason: ev?.wasClean ? "clean" : "unexpected", code });
  }

  /** Stops a WebSocket's timers and handlers, then closes it (when a code is given). */
  #dropWs(conn, code, reason) {
    conn.dead = true;
    clearTimeout(conn.keepAliveTimer);
    clearTimeout(conn.handshakeTimer);
    clearTimeout(conn.pingTimer);
    const ws = conn.ws;
    ws.onmessage = ws.onerror = ws.onclose = null;
    if (code !== undefined && ws.readyState <= WS_OPEN) {
      try {
        ws.close(code, reason);
      } catch (e) {
        this.#report(e);
      }
    }
  }

  #downgrade(info) {
    const conn = this.#conn;
    if (conn?.kind === "ws") this.#dropWs(conn, 1000, "downgrading-ws-to-ajax");
    this.#conn = null;
    this.#mode = "ajax";
    this.#closeState({ reason: "downgrading-ws-to-ajax", ...info }, { type: "ajax" });
    this.#connectNow();
    this.#scheduleProbe();
  }

  // ------------------------------------------------------------ keep-alive

  #startKeepAlive(conn) {
    clearTimeout(conn.keepAliveTimer);
    clearTimeout(conn.pingTimer);
    conn.pingCb = null;
    const interval = this.#o.keepAliveMs / 2;
    const tick = () => {
      conn.keepAliveTimer = null;
      if (conn.dead || conn !== this.#conn) return;
      // An unanswered ping is left to its own check, which allows for a sleeping tab.
      if (conn.pingCb === null && Date.now() - conn.lastReceivedAt >= interval) this.#ping(conn);
      if (!conn.dead && conn === this.#conn) conn.keepAliveTimer = setTimeout(tick, interval);
    };
    conn.keepAliveTimer = setTimeout(tick, interval);
  }

  #ping(conn) {
    conn.pingCb = this.#newCallbackId();
    conn.pingSentAt = Date.now();
    conn.pingReceived = conn.received;
    conn.pingGraceUsed = false;
    this.#armPingCheck(conn, this.#o.pingTimeoutMs);
    this.#wsWrite(conn, JSON.stringify([[WS_PING], conn.pingCb]));
  }

  #armPingCheck(conn, ms) {
    clearTimeout(conn.pingTimer);
    conn.pingDueAt = Date.now() + ms;
    conn.pingTimer = setTimeout(() => this.#checkPing(conn), ms);
  }

  #pingAnswered(conn) {
    clearTimeout(conn.pingTimer);
    conn.pingTimer = null;
    conn.pingCb = null;
  }

  /** Decides on an unanswered ping by wall time, never by timer ticks (see the module doc). */
  #checkPing(conn) {
    if (conn.dead || conn !== this.#conn || conn.pingCb === null) return;
    if (conn.received > conn.pingReceived) {
      this.#pingAnswered(conn); // something arrived after the ping: the connection works
      return;
    }
    const now = Date.now();
    if (now - conn.pingDueAt > LATE_TIMER_MS && !conn.pingGraceUsed) {
      conn.pingGraceUsed = true; // the tab slept: read what is queued before deciding
      this.#armPingCheck(conn, LATE_TIMER_MS);
      return;
    }
    const waited = now - conn.pingSentAt;
    if (waited < this.#o.pingTimeoutMs) {
      this.#armPingCheck(conn, this.#o.pingTimeoutMs - waited);
      return;
    }
    this.#dropWs(conn, 3000, "ws-ping-timeout");
    this.#failed({ reason: "ws-ping-timeout" });
  }

  // ------------------------------------------------------------ auto: back to WebSocket

  #scheduleProbe() {
    const ok =
      this.#o.type === "auto" &&
      this.#mode === "ajax" &&
      this.#o.wsRetryMs > 0 &&
      typeof this.#WebSocket === "function" &&
      !this.#stopped;
    if (!ok || this.#probeTimer !== null || this.#probe !== null) return;
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      if (this.#mode !== "ajax" || this.#stopped) return;
      const probe = this.#openWs();
      if (probe instanceof Error) {
        this.#scheduleProbe();
        return;
      }
      this.#probe = probe;
      // A probe that hangs without a handshake (a proxy that swallows frames) is given up too.
      this.#probeTimer = setTimeout(() => {
        this.#probeTimer = null;
        if (this.#probe === probe) this.#dropProbe();
      }, this.#o.wsRetryMs);
    }, this.#o.wsRetryMs);
  }

  #dropProbe() {
    const probe = this.#probe;
    this.#probe = null;
    if (this.#probeTimer !== null) clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
    if (probe) this.#dropWs(probe, 1000, "ws-retry-failed");
    this.#scheduleProbe();
  }

  #clearProbe() {
    if (this.#probeTimer !== null) clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
    const probe = this.#probe;
    this.#probe = null;
    if (probe) this.#dropWs(probe, 1000, "CLOSE_NORMAL");
  }

  #promoteProbe(probe) {
    const ajax = this.#conn;
    this.#probe = null;
    this.#clearProbe();
    this.#clearReconnectTimer();
    if (ajax?.kind === "ajax") {
      ajax.closed = true;
      ajax.controller?.abort();
    }
    this.#conn = probe;
    this.#mode = "ws";
  }

  // ------------------------------------------------------------ Ajax

  async #poll(conn) {
    while (!conn.closed && conn === this.#conn) {
      const url = withQuery(
        this.#httpUrl(),
        query([
          ...this.#userParams(this.#reserved(["udt", "client-id", "handshake?"])),
          ["udt", Date.now()],
          ["client-id", this.#clientId],
          ["handshake?", conn.handshaked ? null : 1],
          ...this.#resumeQuery(true),
        ]),
      );
      const controller = new AbortController();
      conn.controller = controller;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#o.ajaxTimeoutMs);
      let status;
      let text;
      try {
        const res = await this.#fetch(url, {
          method: "GET",
          headers: this.#headers(),
          signal: controller.signal,
        });
        status = res.status;
        text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${status}`);
      } catch (e) {
        clearTimeout(timer);
        if (conn.closed || conn !== this.#conn) return;
        if (timedOut) continue; // the poll took too long: poll again at once
        conn.closed = true;
        this.#failed({ reason: "unexpected", status });
        return;
      }
      clearTimeout(timer);
      if (conn.closed || conn !== this.#conn) return;
      let frame;
      try {
        frame = readFrame(text);
      } catch (e) {
        this.#report(new SyntaxError(`Unreadable poll response: ${e.message}`));
        conn.closed = true;
        this.#failed({ reason: "unexpected", status });
        return;
      }
      const { payload, meta } = frame;
      if (isHandshake(payload)) this.#onHandshake(conn, payload[1], meta);
      else if (payload !== TIMEOUT) this.#receivePush(payload, meta);
    }
  }

  /**
   * Posts an event: resolves with `{ status, text }`, or rejects with `{ timedOut, cause }` when
   * no answer came within `timeoutMs` or the request failed. `numbering` adds the query of a
   * numbered send.
   */
  async #postForm(event, wantReply, timeoutMs, numbering = []) {
    const body = query([
      ["udt", Date.now()],
      ["client-id", this.#clientId],
      ["ppstr", `[${event},${wantReply ? JSON.stringify(AJAX_MARKER) : "null"}]`],
    ]);
    const controller = new AbortController();
    this.#posts.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const url = withQuery(this.#httpUrl(), query([...this.#resumeQuery(false), ...numbering]));
      const res = await this.#fetch(url, {
        method: "POST",
        headers: this.#headers({ "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" }),
        body,
        signal: controller.signal,
      });
      return { status: res.status, text: await res.text() };
    } catch (cause) {
      throw { timedOut, cause };
    } finally {
      clearTimeout(timer);
      this.#posts.delete(controller);
    }
  }

  /** An Ajax send: resolves with the reply value, or rejects with a SenteError. */
  async #post(eventId, event, wantReply, timeoutMs) {
    let status;
    let text;
    try {
      ({ status, text } = await this.#postForm(event, wantReply, timeoutMs));
    } catch ({ timedOut, cause: e }) {
      if (timedOut) throw new SenteTimeoutError(`No reply to ${eventId} within ${timeoutMs} ms`, { eventId });
      if (this.#stopped)
        throw new SenteClosedError(`Disconnected before ${eventId} got a reply`, { eventId });
      throw new SenteFailedError(`Sending ${eventId} failed: ${e?.message ?? e}`, { eventId, cause: e });
    }
    if (status < 200 || status > 299) {
      throw new SenteFailedError(`Sending ${eventId} failed with HTTP ${status}`, { eventId, status });
    }
    let value;
    try {
      value = readFrame(text).payload;
    } catch (e) {
      throw new SenteFailedError(`Unreadable reply to ${eventId}`, { eventId, status, cause: e });
    }
    const error = outcomeError(value, eventId, status);
    if (error) throw error;
    return value;
  }

  /** A numbered send waits to be posted on this Ajax connection (kept in number order). */
  #queuePost(conn, cseq) {
    const at = conn.toPost.findIndex((n) => n >= cseq);
    if (at < 0) conn.toPost.push(cseq);
    else if (conn.toPost[at] !== cseq) conn.toPost.splice(at, 0, cseq);
    this.#postNumbered(conn);
  }

  /**
   * Posts the numbered sends that wait, lowest first, at most POST_WINDOW at a time and none
   * POST_WINDOW or more past the oldest unconfirmed one: parallel POSTs arrive in any order, and
   * the server holds a later one only while at most its `maxInboundEvents` (32) wait for an earlier.
   */
  #postNumbered(conn) {
    while (!conn.closed && conn === this.#conn && conn.inFlight < POST_WINDOW && conn.toPost.length > 0) {
      const cseq = conn.toPost[0];
      const sent = this.#outbox.get(cseq);
      if (sent === undefined) {
        conn.toPost.shift(); // confirmed meanwhile
        continue;
      }
      if (cseq >= this.#outbox.lowest() + POST_WINDOW) return; // an earlier one is on its way
      conn.toPost.shift();
      conn.inFlight += 1;
      this.#postOne(conn, cseq, sent).catch((e) => this.#report(e));
    }
  }

  /**
   * One numbered POST. A 2xx means the server has it (handled, or held for an earlier one); 429,
   * a 5xx status, no answer in time or a failed request, and it is posted again after
   * POST_RETRY_MS while this connection lasts (the server drops a copy it had already), else after
   * the next handshake; any other status means the server will not take it: reported, dropped.
   */
  async #postOne(conn, cseq, sent) {
    let again = false;
    try {
      const numbering = [["cepoch", this.#outbox.epoch], ["cseq", cseq]];
      const { status } = await this.#postForm(sent.event, false, this.#o.ajaxTimeoutMs, numbering);
      if (status >= 200 && status <= 299) {
        this.#outbox.confirm(cseq);
      } else if (status === 429 || status >= 500) {
        again = true;
      } else {
        this.#outbox.confirm(cseq);
        this.#report(new Error(`The server refused ${sent.eventId} with HTTP ${status}: it was dropped`));
      }
    } catch {
      again = true;
    } finally {
      conn.inFlight -= 1;
    }
    if (again) {
      setTimeout(() => {
        if (!conn.closed && conn === this.#conn) this.#queuePost(conn, cseq);
      }, POST_RETRY_MS);
    }
    this.#postNumbered(conn);
  }

  // ------------------------------------------------------------ the page

  #listenToWindow() {
    const w = globalThis.window;
    if (typeof w?.addEventListener !== "function") return;
    const on = (type, fn) => {
      w.addEventListener(type, fn);
      this.#windowListeners.push(() => w.removeEventListener(type, fn));
    };
    // No retries while the page unloads (Sente does the same with beforeunload).
    on("pagehide", () => {
      this.#unloading = true;
    });
    // Back from the back/forward cache: connect again if the socket was left closed.
    on("pageshow", () => {
      this.#unloading = false;
      if (!this.#stopped && this.#conn === null && this.#reconnectTimer === null) {
        this.#attempt = 0;
        this.#connectNow();
      }
    });
    // The network is back: skip the rest of a backoff wait.
    on("online", () => {
      if (this.#reconnectTimer !== null) this.#connectNow();
    });
  }
}
