import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect, SenteClosedError, SenteError, SenteFailedError, SenteTimeoutError } from "sente-js";
import {
  fakeFetch,
  fakeTime,
  fakeWebSocket,
  flush,
  recordEvents,
  recordStates,
} from "../test-support/fakes.js";

describe("WebSocket transport", () => {
  let WS;
  let fetch;
  let errors;
  let chsk;

  const open = (options = {}) => {
    chsk = connect("/chsk", {
      host: "app.example",
      protocol: "https:",
      type: "ws",
      clientId: "c1",
      WebSocket: WS,
      fetch,
      onError: (e) => errors.push(e),
      ...options,
    });
    return chsk;
  };

  beforeEach(() => {
    fakeTime();
    WS = fakeWebSocket();
    fetch = fakeFetch();
    errors = [];
  });

  afterEach(() => {
    chsk?.disconnect();
    mock.timers.reset();
  });

  it("connects to the wss URL with client id, CSRF token and params, Sente's keys winning", () => {
    open({ csrfToken: "t*k n", params: { room: "a b", "client-id": "spoof" } });
    assert.equal(WS.instances.length, 1);
    assert.equal(WS.last.url, `wss://app.example/chsk?room=a%20b&client-id=c1&csrf-token=t*k%20n&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    assert.equal(WS.last.binaryType, "arraybuffer");
    assert.deepEqual(chsk.state.open, false);
    assert.equal(chsk.state.type, "ws");
  });

  it("reads a CSRF token function again for each connection and leaves out an empty token", () => {
    let token = "";
    open({ csrfToken: () => token, protocol: "http" });
    assert.equal(WS.last.url, `ws://app.example/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    token = "second";
    chsk.reconnect();
    assert.equal(WS.last.url, `ws://app.example/chsk?client-id=c1&csrf-token=second&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
  });

  it("is open only after the handshake, which emits a first-open state and a handshake event", () => {
    open();
    const states = recordStates(chsk);
    const events = recordEvents(chsk);
    WS.last.accept();
    assert.equal(chsk.state.open, false, "the WebSocket open event alone does not open the socket");
    WS.last.receive([["chsk/handshake", ["alice", null, { role: "admin" }]], null]);
    assert.equal(states.length, 1);
    const s = states[0];
    assert.equal(s.open, true);
    assert.equal(s.openChanged, true);
    assert.equal(s.firstOpen, true);
    assert.equal(s.everOpened, true);
    assert.equal(s.type, "ws");
    assert.equal(s.userId, "alice");
    assert.deepEqual(s.handshakeData, { role: "admin" });
    assert.ok(Object.isFrozen(s));
    assert.deepEqual(events, [["chsk/handshake", ["alice", null, { role: "admin" }, true]]]);
  });

  it("reports the anonymous user id as null in the state and as sent in the handshake event", () => {
    open();
    const events = recordEvents(chsk);
    WS.last.handshake("sente/nil-uid");
    assert.equal(chsk.state.userId, null);
    assert.deepEqual(events[0], ["chsk/handshake", ["sente/nil-uid", null, null, true]]);
  });

  it("accepts the v2 handshake and v2 push forms", () => {
    open();
    const events = recordEvents(chsk);
    WS.last.accept().receive([["chsk/handshake", ["alice", null]]]);
    assert.equal(chsk.state.open, true);
    assert.equal(chsk.state.handshakeData, null);
    WS.last.receive([[["x/a", 1]]]);
    assert.deepEqual(events, [
      ["chsk/handshake", ["alice", null, null, true]],
      ["x/a", 1],
    ]);
  });

  it("sends nothing before the handshake: sends are kept for it (waiting.test.js)", async () => {
    open();
    WS.last.accept();
    assert.equal(chsk.send("chat/send", { text: "hi" }), true, "kept");
    chsk.dropPending();
    const reply = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 1000 }); // waits (waiting.test.js)
    assert.deepEqual(WS.last.sent, []);
    mock.timers.tick(1000);
    await assert.rejects(reply, (e) => e instanceof SenteTimeoutError && e.outcome === "chsk/timeout");
    assert.deepEqual(WS.last.sent, []);
  });

  it("writes events as [[id, data], null], and [[id], null] without data", () => {
    open();
    WS.last.handshake();
    assert.equal(chsk.send("chat/send", { text: "hi" }), true);
    assert.equal(chsk.send("chat/poke"), true);
    assert.deepEqual(WS.last.sent, ['[["chat/send",{"text":"hi"}],null]', '[["chat/poke"],null]']);
  });

  it("resolves a reply matched by its 6-character callback id", async () => {
    open();
    WS.last.handshake();
    const reply = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5000 });
    const [event, cb] = WS.last.frames()[0];
    assert.deepEqual(event, ["chat/send", { text: "hi" }]);
    assert.match(cb, /^[0-9a-f]{6}$/);
    WS.last.receive([{ ok: true }, cb]);
    assert.deepEqual(await reply, { ok: true });
  });

  it("matches concurrent replies to their own requests", async () => {
    open();
    WS.last.handshake();
    const a = chsk.send("x/a", 1, { timeoutMs: 5000 });
    const b = chsk.send("x/b", 2, { timeoutMs: 5000 });
    const [[, cbA], [, cbB]] = WS.last.frames();
    assert.notEqual(cbA, cbB);
    WS.last.receive(["B", cbB]);
    WS.last.receive(["A", cbA]);
    assert.deepEqual([await a, await b], ["A", "B"]);
  });

  it("rejects with chsk/timeout when no reply comes in time, and drops the late reply", async () => {
    open();
    WS.last.handshake();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 1000 });
    const [, cb] = WS.last.frames()[0];
    mock.timers.tick(999);
    let settled = false;
    reply.then(
      () => (settled = true),
      () => (settled = true),
    );
    await flush();
    assert.equal(settled, false);
    mock.timers.tick(1);
    await assert.rejects(
      reply,
      (e) => e instanceof SenteTimeoutError && e.outcome === "chsk/timeout" && e.eventId === "chat/send",
    );
    WS.last.receive([{ late: true }, cb]);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /unknown callback id/);
    assert.equal(chsk.state.open, true);
  });

  it("rejects with chsk/error when the server replies chsk/error", async () => {
    open();
    WS.last.handshake();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 1000 });
    WS.last.receive(["chsk/error", WS.last.frames()[0][1]]);
    await assert.rejects(
      reply,
      (e) => e instanceof SenteFailedError && e instanceof SenteError && e.outcome === "chsk/error",
    );
  });

  it("rejects pending replies with chsk/closed when the connection drops", async () => {
    open();
    WS.last.handshake();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 60_000 });
    WS.last.fail();
    await assert.rejects(reply, (e) => e instanceof SenteClosedError);
  });

  it("answers a server ping with a pong at once and tells onAny", () => {
    open();
    const events = recordEvents(chsk);
    WS.last.handshake();
    WS.last.receive(["chsk/ws-ping", null]);
    assert.deepEqual(WS.last.frames(), [[["chsk/ws-pong"], null]]);
    assert.deepEqual(events.at(-1), ["chsk/ws-ping", undefined]);
  });

  it("answers the v2 server ping form too", () => {
    open();
    WS.last.handshake();
    WS.last.receive(["chsk/ws-ping"]);
    assert.deepEqual(WS.last.frames(), [[["chsk/ws-pong"], null]]);
  });

  it("delivers a batched push in order to on() and onAny(), and unsubscribes", () => {
    open();
    WS.last.handshake();
    const msgs = [];
    const any = [];
    const off = chsk.on("chat/msg", (data, id) => msgs.push([id, data]));
    chsk.onAny((id, data) => any.push([id, data]));
    WS.last.receive([
      [
        ["chat/msg", { text: "hi" }],
        ["chat/typing", "bob"],
      ],
      null,
    ]);
    assert.deepEqual(msgs, [["chat/msg", { text: "hi" }]]);
    assert.deepEqual(any, [
      ["chat/msg", { text: "hi" }],
      ["chat/typing", "bob"],
    ]);
    off();
    WS.last.receive([[["chat/msg", 2]], null]);
    assert.equal(msgs.length, 1);
    assert.equal(any.length, 3);
  });

  it("delivers invalid and reserved pushed values as chsk/bad-event", () => {
    open();
    WS.last.handshake();
    const events = recordEvents(chsk);
    WS.last.receive([[["nonamespace", 1], ["chsk/close"], "str", ["ok/fine"]], null]);
    assert.deepEqual(events, [
      ["chsk/bad-event", ["nonamespace", 1]],
      ["chsk/bad-event", ["chsk/close"]],
      ["chsk/bad-event", "str"],
      ["ok/fine", undefined],
    ]);
  });

  it("reports an unreadable frame and stays open", () => {
    open();
    WS.last.handshake();
    WS.last.receive("not json");
    WS.last.receive("{}");
    assert.equal(errors.length, 2);
    assert.equal(chsk.state.open, true);
  });

  it("keeps delivering when a listener throws, and reports the error", () => {
    open();
    WS.last.handshake();
    const seen = [];
    chsk.on("x/a", () => {
      throw new Error("boom");
    });
    chsk.on("x/a", (d) => seen.push(d));
    WS.last.receive([[["x/a", 1]], null]);
    assert.deepEqual(seen, [1]);
    assert.equal(errors[0].message, "boom");
  });

  it("throws TypeError for invalid ids, reserved ids, unwritable data and a missing timeout", () => {
    open();
    WS.last.handshake();
    assert.throws(() => chsk.send("nonamespace", 1), TypeError);
    assert.throws(() => chsk.send("chsk/ws-ping"), TypeError);
    assert.throws(() => chsk.send("x/a", 1n), TypeError);
    assert.throws(() => chsk.send("x/a", 1, {}), TypeError);
    assert.throws(() => chsk.on("x/a", "nope"), TypeError);
    assert.deepEqual(WS.last.sent, []);
  });

  it("rejects invalid options with TypeError", () => {
    const base = { host: "h", WebSocket: WS, fetch };
    assert.throws(() => connect("chsk", base), TypeError);
    assert.throws(() => connect("/chsk", { ...base, type: "sse" }), TypeError);
    assert.throws(() => connect("/chsk", { ...base, keepAliveMs: 0 }), TypeError);
    assert.throws(() => connect("/chsk", { ...base, protocol: "ftp:" }), TypeError);
    assert.throws(() => connect("/chsk", { ...base, backoff: { jitter: 2 } }), TypeError);
    assert.throws(() => connect("/chsk", { WebSocket: WS, fetch }), TypeError, "no host outside a browser");
    assert.throws(() => connect("/chsk", { host: "h", type: "ws", WebSocket: undefined, fetch }), TypeError);
    assert.equal(WS.instances.length, 0);
  });

  it("reports a CSRF token function that throws and connects without a token", () => {
    open({
      csrfToken: () => {
        throw new Error("no meta tag");
      },
    });
    assert.equal(WS.last.url, `wss://app.example/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    assert.equal(errors[0].message, "no meta tag");
  });

  it("makes a random UUID client id by default", () => {
    chsk = connect("/chsk", { host: "h", WebSocket: WS, fetch });
    assert.match(chsk.clientId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(WS.last.url, new RegExp(`client-id=${chsk.clientId}&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1$`));
  });

  it("disconnect closes with 1000, rejects pending replies and stops reconnecting", async () => {
    open();
    WS.last.handshake();
    const reply = chsk.send("x/a", 1, { timeoutMs: 60_000 });
    chsk.disconnect();
    assert.deepEqual(WS.last.closedWith, { code: 1000, reason: "CLOSE_NORMAL" });
    await assert.rejects(reply, SenteClosedError);
    assert.equal(chsk.state.open, false);
    assert.equal(chsk.state.stopped, true);
    assert.equal(chsk.state.lastClose.reason, "requested-disconnect");
    assert.equal(chsk.send("x/a", 1), false);
    await flush();
    mock.timers.tick(120_000);
    assert.equal(WS.instances.length, 1);
  });

  it("reconnect closes and connects again at once; the next handshake is not a first open", () => {
    open();
    WS.last.handshake();
    const events = recordEvents(chsk);
    chsk.reconnect();
    assert.equal(chsk.state.lastClose.reason, "requested-reconnect");
    assert.equal(WS.instances.length, 2);
    WS.last.handshake("bob");
    assert.equal(chsk.state.userId, "bob");
    assert.equal(chsk.state.firstOpen, false);
    assert.equal(chsk.state.openChanged, true);
    assert.deepEqual(events.at(-1), ["chsk/handshake", ["bob", null, null, false]]);
  });

  it("breakConnection closes abnormally with 3000 and reconnects", async () => {
    open();
    WS.last.handshake();
    chsk.breakConnection();
    assert.deepEqual(WS.last.closedWith, { code: 3000, reason: "CLOSE_ABNORMAL" });
    await flush();
    assert.equal(chsk.state.open, false);
    assert.equal(WS.instances.length, 2);
  });

  it("reconnects at once after a server close such as chsk/close", () => {
    open();
    WS.last.handshake();
    WS.last.serverClose(1000);
    assert.equal(chsk.state.lastClose.reason, "clean");
    assert.equal(chsk.state.lastClose.code, 1000);
    assert.equal(WS.instances.length, 2);
  });

  it("drops a write failure as ws-error and rejects the reply with chsk/error", async () => {
    open();
    WS.last.handshake();
    WS.last.send = () => {
      throw new Error("socket gone");
    };
    const reply = chsk.send("x/a", 1, { timeoutMs: 1000 });
    await assert.rejects(reply, SenteFailedError);
    assert.equal(chsk.state.lastClose.reason, "ws-error");
    assert.equal(WS.instances.length, 2);
  });
});
