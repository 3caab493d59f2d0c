/**
 * Types for sente.js, the browser client of Sente for Java.
 *
 * ```ts
 * import { connect, SenteTimeoutError } from "/sente/sente.js";
 *
 * const chsk = connect("/chsk", { csrfToken: () => readToken() });
 * chsk.on<ChatLine>("chat/line", (line) => render(line));
 * try {
 *   const saved = await chsk.send<Saved>("chat/send", { text: "hi" }, { timeoutMs: 5000 });
 * } catch (e) {
 *   if (e instanceof SenteTimeoutError) retryLater();
 * }
 * ```
 */

/** The user id the server gives every anonymous client. */
export declare const NIL_UID: "sente/nil-uid";

/**
 * How many sends, with or without a reply, may be kept at one time while the socket connects or
 * reconnects (100); one more is refused at once.
 */
export declare const MAX_WAITING_SENDS: number;

/**
 * How many sends without a reply may wait for the server to confirm them (1,000) while it numbers
 * them (resume granted); one more is refused (`send` returns false).
 */
export declare const MAX_UNCONFIRMED: number;

/** How the client connects: WebSocket first with Ajax fallback, only WebSocket, or only Ajax. */
export type ConnectionType = "auto" | "ws" | "ajax";

/** The transport in use. */
export type Transport = "ws" | "ajax";

/** The reply outcomes that are not a reply (Sente's callback keywords). */
export type ReplyOutcome = "chsk/closed" | "chsk/timeout" | "chsk/error";

/**
 * Why the connection last closed.
 * - `clean` / `unexpected`: the WebSocket closed cleanly or not; `unexpected` is also an Ajax poll
 *   that failed (HTTP error status in `status`, or a network error).
 * - `requested-disconnect` / `requested-reconnect`: `disconnect()` / `reconnect()`.
 * - `downgrading-ws-to-ajax`: auto mode gave up on WebSocket before its first handshake.
 * - `ws-ping-timeout`: no answer to the keep-alive ping.
 * - `ws-error`: writing to the WebSocket failed.
 */
export type CloseReason =
  | "clean"
  | "unexpected"
  | "requested-disconnect"
  | "requested-reconnect"
  | "downgrading-ws-to-ajax"
  | "ws-ping-timeout"
  | "ws-error";

/** The last close: its reason, when (epoch ms), the WebSocket close code or the HTTP status. */
export interface LastClose {
  readonly reason: CloseReason;
  readonly at: number;
  readonly code?: number;
  readonly status?: number;
}

/** What `stopReconnecting` is asked about: the close, the transport, and the retry to come (1, 2, ...). */
export interface CloseInfo extends LastClose {
  readonly type: Transport;
  readonly attempt: number;
}

/**
 * What resume recovered, reported after every open but the first (and on a gap inside a session):
 * `recovered: true` only when the server said so for the client's cursor; otherwise how many events
 * were missed, or `gap: null` when that is not known.
 */
export type Recovery =
  { readonly recovered: true } | { readonly recovered: false; readonly gap: number | null };

/** A send kept while the socket connects or reconnects, as `pending()` lists it. */
export interface PendingSend {
  readonly eventId: string;
  /** The data as it will be sent (undefined for an event without data). */
  readonly data: unknown;
  /** True for a send that wants a reply. */
  readonly reply: boolean;
  /** When a request times out (epoch ms); null for a send without a reply, kept until sent. */
  readonly deadline: number | null;
}

/** A snapshot of the socket's state; a new frozen object after every change. */
export interface SenteState {
  /** The transport in use (or being tried). */
  readonly type: Transport;
  /** True between the server's handshake and the next close. */
  readonly open: boolean;
  /** True once any handshake has arrived. */
  readonly everOpened: boolean;
  /** True in the state of the change that opened the socket for the first time. */
  readonly firstOpen: boolean;
  /** True in the state of a change that flipped `open`. */
  readonly openChanged: boolean;
  /** The user id from the last handshake; null for an anonymous user (or before the handshake). */
  readonly userId: string | number | null;
  /** The server's handshake data (null when none). */
  readonly handshakeData: unknown;
  /** The last close, or null. */
  readonly lastClose: LastClose | null;
  /** When the next reconnect attempt starts (epoch ms), while waiting for one; otherwise null. */
  readonly nextReconnectAt: number | null;
  /** True after `disconnect()` or when `stopReconnecting` said so; `reconnect()` clears it. */
  readonly stopped: boolean;
  /**
   * The last resume outcome: absent until an open after the first (or a gap inside a session)
   * reports one, and always absent when the server never granted resume. Set in the state of the
   * open that reported it; it stays until the next report.
   */
  readonly recovery?: Recovery;
}

/** The default exponential backoff's settings. */
export interface BackoffOptions {
  /** Ceiling of the first delayed retry (retry 2); doubles on each retry. Default 4000. */
  baseMs?: number;
  /** Ceiling of every delay. Default 30000. */
  maxMs?: number;
  /** 0..1: a delay is drawn between `(1 - jitter) * ceiling` and `ceiling`. Default 0.5. */
  jitter?: number;
}

/** Options of `connect`. Every duration is in milliseconds. */
export interface ConnectOptions {
  /** `"auto"` (default): WebSocket, falling back to Ajax if it fails before its first handshake. */
  type?: ConnectionType;
  /**
   * Ask for the resume extension (`ext=resume`, and the cursor once granted). Default true; a
   * server that does not grant it (every Sente server) sees a plain Sente client.
   */
  resume?: boolean;
  /** The CSRF token, or a function read on every connection and request. */
  csrfToken?: string | null | (() => string | null | undefined);
  /** Extra query parameters of the WebSocket URL and of Ajax GETs (not of Ajax POSTs, as in Sente). */
  params?: Record<string, string | number | boolean | null | undefined>;
  /** The client id. Default: a random UUID. */
  clientId?: string;
  /** `host[:port]`. Default: the page's `location.host`; required outside a browser. */
  host?: string;
  /** `"http:"` or `"https:"` (WebSockets use ws:/wss:). Default: the page's `location.protocol`. */
  protocol?: string;
  /** A ping goes out after `keepAliveMs / 2` without any message, checked as often. Default 20000. */
  keepAliveMs?: number;
  /** How long a ping may go unanswered before the socket is dropped. Default 5000. */
  pingTimeoutMs?: number;
  /** Reconnect delays: exponential settings, or a function from retry number (2, 3, ...) to ms. */
  backoff?: BackoffOptions | ((attempt: number) => number);
  /** Return true to stop reconnecting, e.g. `(c) => c.status === 401 || c.status === 403`. */
  stopReconnecting?: (close: CloseInfo) => boolean;
  /** Auto mode on Ajax: try a WebSocket again every this many ms; 0 turns it off. Default 30000. */
  wsRetryMs?: number;
  /** Ajax: how long a poll or a POST without its own timeout may take. Default 60000. */
  ajaxTimeoutMs?: number;
  /** Where errors thrown by listeners and protocol problems go. Default `console.error`. */
  onError?: (error: unknown) => void;
  /** The WebSocket constructor (tests, Node). Default `globalThis.WebSocket`. */
  WebSocket?: new (url: string) => WebSocket;
  /** The fetch function (tests, Node). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

/** The options of a send that wants a reply. */
export interface ReplyOptions {
  /** How long to wait for the reply; required. */
  timeoutMs: number;
}

/** A connection to a Sente server, made by {@link connect}. */
export interface SenteSocket {
  /** The client id sent to the server. */
  readonly clientId: string;
  /** The epoch of this socket's numbering of its sends (resume): new for every socket. */
  readonly clientEpoch: string;
  /** The current state. */
  readonly state: SenteState;
  /**
   * Sends an event without asking for a reply. Returns true when it went out, or is kept while the
   * socket connects or reconnects (it goes out right after the next handshake, in call order, unless
   * dropped, see `pending()`); false when it was refused, and nothing is ever sent: the socket is
   * stopped, {@link MAX_WAITING_SENDS} sends are kept already, or {@link MAX_UNCONFIRMED} numbered
   * sends wait for their confirmation. Where the server grants resume, the send is numbered and
   * kept until the server confirms it: one written into a connection that then breaks goes out
   * again after the reconnect, and the server hands it to its handlers once, in order. Throws
   * TypeError for an invalid or reserved (`chsk/`) event id, or data that JSON cannot write.
   */
  send(eventId: string, data?: unknown): boolean;
  /**
   * Sends an event and returns a promise of the server's reply. Made while the socket connects or
   * reconnects (before its first open or after a drop), the send is kept and goes out right after
   * the next handshake, in call order, before anything the state listeners send; `timeoutMs` counts
   * from the call and bounds the wait and the reply together. It rejects with a
   * {@link SenteError}: {@link SenteClosedError} when the socket is stopped (`disconnect()`,
   * `stopReconnecting`) before it was sent, when it was dropped (`dropPending()`), when
   * {@link MAX_WAITING_SENDS} sends are kept already (nothing sent in these cases), or when the
   * connection closed before the reply;
   * {@link SenteTimeoutError} when not open, or no reply, within `timeoutMs`;
   * {@link SenteFailedError} when the send failed or the server answered `chsk/error`.
   */
  send<R = unknown>(eventId: string, data: unknown, options: ReplyOptions): Promise<R>;
  /** Calls `fn(data, eventId)` for each event with this id; returns the unsubscribe function. */
  on<T = unknown>(eventId: string, fn: (data: T, eventId: string) => void): () => void;
  /**
   * Calls `fn(eventId, data)` for every event: the server's pushes, plus `chsk/handshake`
   * (`[uid, null, handshakeData, firstHandshake]`), `chsk/ws-ping` (the server pinged, no data),
   * `chsk/bad-event` (a pushed value that is not a valid event) and `chsk/recovery` (a
   * {@link Recovery}, after the handshake it belongs to). Returns the unsubscribe function.
   */
  onAny(fn: (eventId: string, data: unknown) => void): () => void;
  /** The sends kept while connecting or reconnecting, in the order they will go out (a snapshot). */
  pending(): PendingSend[];
  /**
   * Drops kept sends: all, or those for which `which` returns true. They are never sent; dropped
   * requests reject with {@link SenteClosedError}. Returns how many were dropped.
   */
  dropPending(which?: (pending: PendingSend) => boolean): number;
  /** Calls `fn(state, previous)` on every state change; returns the unsubscribe function. */
  onState(fn: (state: SenteState, previous: SenteState) => void): () => void;
  /** Closes the connection and stops reconnecting; pending replies reject with chsk/closed. */
  disconnect(): void;
  /** Closes and connects again at once, starting over (auto mode tries WebSocket first again). */
  reconnect(): void;
  /**
   * Test helper. `closeWs: true` (default) closes the WebSocket abnormally (it reconnects);
   * `closeWs: false` makes it half-dead until the keep-alive notices. On Ajax it aborts the poll.
   */
  breakConnection(options?: { closeWs?: boolean }): void;
}

/** Connects to a Sente server at `path` (e.g. `"/chsk"`). Connecting starts at once. */
export declare function connect(path: string, options?: ConnectOptions): SenteSocket;

/** The default backoff: exponential with jitter and a ceiling. */
export declare function exponentialBackoff(
  options?: BackoffOptions,
  random?: () => number,
): (attempt: number) => number;

/** True for a namespaced event id such as `"chat/send"`. */
export declare function isValidEventId(id: unknown): id is string;

/** The defaults of {@link ConnectOptions}. */
export declare const DEFAULTS: Readonly<{
  type: "auto";
  resume: true;
  keepAliveMs: number;
  pingTimeoutMs: number;
  wsRetryMs: number;
  ajaxTimeoutMs: number;
  backoff: Readonly<Required<BackoffOptions>>;
}>;

/** Why a reply did not come. `outcome` tells which; each outcome has a subclass. */
export declare class SenteError extends Error {
  constructor(
    outcome: ReplyOutcome,
    message: string,
    details?: { eventId?: string; status?: number; cause?: unknown },
  );
  readonly outcome: ReplyOutcome;
  /** The event whose reply failed. */
  readonly eventId: string | null;
  /** The HTTP status of a failed Ajax send, when there was one. */
  readonly status: number | null;
}

/** Stopped, dropped, or too many kept (nothing was sent), or closed before the reply. */
export declare class SenteClosedError extends SenteError {
  constructor(message: string, details?: { eventId?: string; status?: number; cause?: unknown });
  readonly outcome: "chsk/closed";
}

/** No reply within `timeoutMs`, or the server's own reply timeout. */
export declare class SenteTimeoutError extends SenteError {
  constructor(message: string, details?: { eventId?: string; status?: number; cause?: unknown });
  readonly outcome: "chsk/timeout";
}

/** The send failed (network, HTTP status, WebSocket write), or the server answered `chsk/error`. */
export declare class SenteFailedError extends SenteError {
  constructor(message: string, details?: { eventId?: string; status?: number; cause?: unknown });
  readonly outcome: "chsk/error";
}
