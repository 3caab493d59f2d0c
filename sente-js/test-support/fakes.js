// Test doubles for sente.js: a scripted WebSocket and fetch, and a timer helper.
// Kept outside test/ so that `node --test test/` does not run this file as a test.
import { mock } from "node:test";

/** Starts fake timers (setTimeout, setInterval, Date) at a fixed epoch; call mock.timers.reset() after. */
export function fakeTime(now = 1_000_000) {
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now });
}

/**
 * Advances fake time in steps. Node 20's mock.timers.tick(ms) moves Date to the end of the span
 * before it runs the timers due in it, so one long tick makes every timer look late; stepping keeps
 * Date.now() at (or within a step of) each timer's due time.
 */
export function advance(ms, step = 100) {
  for (let left = ms; left > 0; left -= step) mock.timers.tick(Math.min(step, left));
}

/** Lets pending promise chains (fetch responses, res.text()) run; real setImmediate is not mocked. */
export async function flush() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A WebSocket class with its own list of instances; each instance is driven by the test as the server. */
export function fakeWebSocket() {
  class FakeWebSocket {
    static instances = [];
    static get last() {
      return FakeWebSocket.instances.at(-1);
    }

    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.closedWith = null;
      this.binaryType = "blob";
      this.onopen = this.onmessage = this.onerror = this.onclose = null;
      FakeWebSocket.instances.push(this);
    }

    send(text) {
      if (this.readyState !== 1) throw new Error("InvalidStateError: not open");
      this.sent.push(text);
    }

    /** The client closes: the close event follows asynchronously, as in a browser. */
    close(code = 1005, reason = "") {
      if (this.readyState >= 2) return;
      this.closedWith = { code, reason };
      this.readyState = 3;
      queueMicrotask(() => this.onclose?.({ code, reason, wasClean: true }));
    }

    // ---- the server's side

    accept() {
      this.readyState = 1;
      this.onopen?.({});
      return this;
    }

    receive(frame) {
      this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
    }

    /** The server's handshake; `meta`, when given, is the frame's third element (extensions). */
    handshake(uid = "alice", data = null, meta = undefined) {
      if (this.readyState === 0) this.accept();
      const frame = [["chsk/handshake", [uid, null, data]], null];
      if (meta !== undefined) frame.push(meta);
      this.receive(frame);
      return this;
    }

    /** The connection fails: error, then an abnormal close (1006), as browsers report it. */
    fail() {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code: 1006, reason: "", wasClean: false });
    }

    serverClose(code = 1000) {
      this.readyState = 3;
      this.onclose?.({ code, reason: "", wasClean: true });
    }

    frames() {
      return this.sent.map((t) => JSON.parse(t));
    }
  }
  return FakeWebSocket;
}

/** A fetch whose requests wait until the test answers them (respond) or fails them. */
export function fakeFetch() {
  const requests = [];
  const fetch = (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = {
        url: String(url),
        method: init.method ?? "GET",
        headers: init.headers ?? {},
        body: init.body,
        aborted: false,
        settled: false,
        respond(status, body) {
          req.settled = true;
          const text = typeof body === "string" ? body : JSON.stringify(body);
          resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
        },
        fail(error = new TypeError("fetch failed")) {
          req.settled = true;
          reject(error);
        },
        /** The query parameters, decoded. */
        get params() {
          return Object.fromEntries(new URL(req.url).searchParams);
        },
        /** The form body, decoded. */
        get form() {
          return Object.fromEntries(new URLSearchParams(req.body));
        },
      };
      init.signal?.addEventListener("abort", () => {
        req.aborted = true;
        if (!req.settled) reject(new DOMException("The operation was aborted", "AbortError"));
      });
      requests.push(req);
    });
  fetch.requests = requests;
  fetch.last = () => requests.at(-1);
  fetch.open = () => requests.filter((r) => !r.settled && !r.aborted);
  return fetch;
}

/** Records every state a socket goes through. */
export function recordStates(socket) {
  const states = [];
  socket.onState((s) => states.push(s));
  return states;
}

/** Records every event a socket delivers, as [id, data]. */
export function recordEvents(socket) {
  const events = [];
  socket.onAny((id, data) => events.push([id, data]));
  return events;
}
