import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect, DEFAULTS, exponentialBackoff } from "sente-js";
import { advance, fakeTime, fakeWebSocket, recordStates } from "../test-support/fakes.js";

describe("exponentialBackoff", () => {
  const bounds = (backoff, attempt) => {
    const lo = backoff.low(attempt);
    const hi = backoff.high(attempt);
    return [lo, hi];
  };
  const pair = (options) => ({
    low: exponentialBackoff(options, () => 0.999999999),
    high: exponentialBackoff(options, () => 0),
  });

  it("waits 2-4 s, 4-8 s, 8-16 s, then stays within 15-30 s under the default ceiling", () => {
    const b = pair();
    assert.deepEqual(bounds(b, 2), [2_000, 4_000]);
    assert.deepEqual(bounds(b, 3), [4_000, 8_000]);
    assert.deepEqual(bounds(b, 4), [8_000, 16_000]);
    assert.deepEqual(bounds(b, 5), [15_000, 30_000]);
    assert.deepEqual(bounds(b, 50), [15_000, 30_000]);
    assert.deepEqual(bounds(b, 5000), [15_000, 30_000], "huge attempt numbers stay finite");
  });

  it("keeps every random delay within its bounds", () => {
    const backoff = exponentialBackoff();
    for (let attempt = 2; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 4_000 * 2 ** (attempt - 2));
      const seen = new Set();
      for (let i = 0; i < 200; i++) {
        const ms = backoff(attempt);
        assert.ok(ms >= ceiling / 2 && ms <= ceiling, `attempt ${attempt}: ${ms}`);
        seen.add(ms);
      }
      assert.ok(seen.size > 100, "the delays are spread (jitter)");
    }
  });

  it("honours baseMs, maxMs and jitter", () => {
    const exact = exponentialBackoff({ baseMs: 100, maxMs: 1_000, jitter: 0 }, Math.random);
    assert.deepEqual([2, 3, 4, 5, 6].map(exact), [100, 200, 400, 800, 1_000]);
    const full = exponentialBackoff({ baseMs: 100, maxMs: 1_000, jitter: 1 }, () => 0.5);
    assert.equal(full(3), 100);
  });

  it("rejects settings that make no sense", () => {
    assert.throws(() => exponentialBackoff({ baseMs: 0 }), TypeError);
    assert.throws(() => exponentialBackoff({ baseMs: 5_000, maxMs: 1_000 }), TypeError);
    assert.throws(() => exponentialBackoff({ jitter: -0.1 }), TypeError);
  });

  it("documents its defaults", () => {
    assert.deepEqual({ ...DEFAULTS.backoff }, { baseMs: 4_000, maxMs: 30_000, jitter: 0.5 });
    assert.equal(DEFAULTS.keepAliveMs, 20_000);
    assert.equal(DEFAULTS.pingTimeoutMs, 5_000);
    assert.equal(DEFAULTS.wsRetryMs, 30_000);
    assert.equal(DEFAULTS.type, "auto");
  });
});

describe("reconnecting", () => {
  let WS;
  let chsk;

  const open = (options = {}) =>
    (chsk = connect("/chsk", { host: "h", type: "ws", WebSocket: WS, onError: () => {}, ...options }));

  beforeEach(() => {
    fakeTime();
    WS = fakeWebSocket();
  });

  afterEach(() => {
    chsk?.disconnect();
    delete globalThis.window;
    mock.timers.reset();
  });

  it("retries at once, then after exponential delays shown in nextReconnectAt, until a handshake resets it", () => {
    open({ backoff: { jitter: 0 } });
    WS.last.fail();
    assert.equal(chsk.state.lastClose.reason, "unexpected");
    assert.equal(chsk.state.lastClose.code, 1006);
    assert.equal(WS.instances.length, 2, "retry 1 is immediate");
    for (const [n, wait] of [
      [3, 4_000],
      [4, 8_000],
      [5, 16_000],
      [6, 30_000],
      [7, 30_000],
    ]) {
      const before = Date.now();
      WS.last.fail();
      assert.equal(chsk.state.nextReconnectAt, before + wait);
      advance(wait - 100);
      assert.equal(WS.instances.length, n - 1, `still waiting for retry ${n - 1}`);
      advance(100);
      assert.equal(WS.instances.length, n);
      assert.equal(chsk.state.nextReconnectAt, null, "cleared when the attempt starts");
    }
    WS.last.handshake();
    WS.last.fail();
    assert.equal(WS.instances.length, 8, "after a handshake the first retry is immediate again");
  });

  it("uses a backoff function, asked from retry 2 on", () => {
    const asked = [];
    open({ backoff: (n) => (asked.push(n), n * 100) });
    WS.last.fail();
    WS.last.fail();
    assert.deepEqual(asked, [2]);
    mock.timers.tick(200);
    assert.equal(WS.instances.length, 3);
  });

  it("stops when stopReconnecting says so, and reconnect() starts again", () => {
    const asked = [];
    open({ stopReconnecting: (close) => (asked.push(close), close.attempt >= 2) });
    const states = recordStates(chsk);
    WS.last.handshake();
    WS.last.fail();
    WS.last.fail();
    assert.equal(asked.length, 2);
    assert.deepEqual(
      asked.map(({ reason, type, attempt, code }) => ({ reason, type, attempt, code })),
      [
        { reason: "unexpected", type: "ws", attempt: 1, code: 1006 },
        { reason: "unexpected", type: "ws", attempt: 2, code: 1006 },
      ],
    );
    assert.equal(chsk.state.stopped, true);
    assert.equal(chsk.state.nextReconnectAt, null);
    assert.equal(states.at(-1).stopped, true);
    mock.timers.tick(120_000);
    assert.equal(WS.instances.length, 2);
    chsk.reconnect();
    assert.equal(chsk.state.stopped, false);
    assert.equal(WS.instances.length, 3);
  });

  it("keeps reconnecting when stopReconnecting throws, and reports the error", () => {
    const errors = [];
    open({
      stopReconnecting: () => {
        throw new Error("bad predicate");
      },
      onError: (e) => errors.push(e),
    });
    WS.last.fail();
    assert.equal(WS.instances.length, 2);
    assert.equal(errors[0].message, "bad predicate");
  });

  it("waits the ceiling when the backoff function throws or returns nonsense, and reports it", () => {
    const errors = [];
    let calls = 0;
    open({
      backoff: () => {
        calls += 1;
        if (calls === 1) throw new Error("bad backoff");
        return NaN;
      },
      onError: (e) => errors.push(e),
    });
    WS.last.fail();
    WS.last.fail();
    assert.equal(errors[0].message, "bad backoff");
    assert.equal(chsk.state.nextReconnectAt, Date.now() + 30_000);
    mock.timers.tick(30_000);
    WS.last.fail();
    assert.equal(chsk.state.nextReconnectAt, Date.now() + 30_000);
  });

  it("leaves no second socket behind when a state listener calls reconnect()", () => {
    open();
    WS.last.handshake();
    let once = true;
    chsk.onState((s) => {
      if (!s.open && once) {
        once = false;
        chsk.reconnect();
      }
    });
    WS.last.fail();
    const live = WS.instances.filter((ws) => ws.readyState < 2 && ws.onmessage !== null);
    assert.equal(live.length, 1);
    assert.equal(live[0], WS.last);
  });

  it("connects at once when the browser comes back online during a wait, and not while the page unloads", () => {
    globalThis.window = new EventTarget();
    open({ backoff: { jitter: 0 } });
    WS.last.fail();
    WS.last.fail();
    assert.ok(chsk.state.nextReconnectAt > Date.now());
    window.dispatchEvent(new Event("online"));
    assert.equal(WS.instances.length, 3);
    window.dispatchEvent(new Event("pagehide"));
    WS.last.fail();
    mock.timers.tick(120_000);
    assert.equal(WS.instances.length, 3, "no retries while unloading");
    window.dispatchEvent(new Event("pageshow"));
    assert.equal(WS.instances.length, 4, "back from the page cache: connects again");
  });

  it("reports state changes in order: closed, waiting, connecting, open", () => {
    open({ backoff: { jitter: 0 } });
    WS.last.handshake();
    const states = recordStates(chsk);
    WS.last.fail(); // closed, retry 1 at once
    WS.last.fail(); // closed again (not open: no openChanged), wait 4 s
    mock.timers.tick(4_000);
    WS.last.handshake();
    assert.deepEqual(
      states.map((s) => [s.open, s.openChanged, s.nextReconnectAt !== null]),
      [
        [false, true, false],
        [false, false, false],
        [false, false, true],
        [false, false, false],
        [true, true, false],
      ],
    );
  });
});
