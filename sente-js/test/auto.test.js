import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect } from "sente-js";
import {
  fakeFetch,
  fakeTime,
  fakeWebSocket,
  flush,
  recordEvents,
  recordStates,
} from "../test-support/fakes.js";

const HANDSHAKE = [["chsk/handshake", ["alice", null, null]], null];

describe("auto mode: WebSocket first, Ajax fallback, back to WebSocket", () => {
  let WS;
  let fetch;
  let chsk;

  const open = (options = {}) =>
    (chsk = connect("/chsk", {
      host: "h",
      clientId: "c1",
      WebSocket: WS,
      fetch,
      onError: () => {},
      ...options,
    }));

  const gets = () => fetch.requests.filter((r) => r.method === "GET");

  beforeEach(() => {
    fakeTime();
    WS = fakeWebSocket();
    fetch = fakeFetch();
  });

  afterEach(() => {
    chsk?.disconnect();
    mock.timers.reset();
  });

  it("downgrades to Ajax when the WebSocket errors before its first handshake", async () => {
    open();
    assert.equal(chsk.state.type, "ws");
    const states = recordStates(chsk);
    WS.last.fail(); // e.g. the upgrade was answered 403 or 500
    assert.equal(chsk.state.type, "ajax");
    assert.equal(chsk.state.lastClose.reason, "downgrading-ws-to-ajax");
    assert.equal(states.length, 1, "one state change for the downgrade");
    assert.equal(gets().length, 1);
    assert.equal(gets()[0].params["handshake?"], "1");
    fetch.last().respond(200, HANDSHAKE);
    await flush();
    assert.equal(chsk.state.open, true);
    assert.equal(chsk.state.type, "ajax");
    assert.equal(chsk.state.firstOpen, true);
    assert.equal(WS.instances.length, 1, "no new WebSocket until wsRetryMs");
  });

  it("downgrades when the WebSocket closes before its first handshake without an error", () => {
    open();
    WS.last.accept().serverClose(1008);
    assert.equal(chsk.state.type, "ajax");
    assert.equal(chsk.state.lastClose.code, 1008);
    assert.equal(gets().length, 1);
  });

  it("downgrades when the upgrade is accepted but no handshake ever comes", () => {
    open();
    WS.last.accept(); // a proxy that passes the upgrade but no frames
    mock.timers.tick(14_999); // keepAliveMs/2 + pingTimeoutMs
    assert.equal(chsk.state.type, "ws");
    assert.equal(gets().length, 0);
    mock.timers.tick(1);
    assert.equal(chsk.state.type, "ajax");
    assert.equal(chsk.state.lastClose.reason, "downgrading-ws-to-ajax");
    assert.equal(gets().length, 1);
  });

  it("downgrades when the WebSocket constructor throws", () => {
    class Throwing {
      constructor() {
        throw new SyntaxError("blocked");
      }
    }
    open({ WebSocket: Throwing });
    assert.equal(chsk.state.type, "ajax");
    assert.equal(gets().length, 1);
  });

  it("uses Ajax at once when there is no WebSocket at all", (t) => {
    const saved = globalThis.WebSocket;
    delete globalThis.WebSocket;
    t.after(() => {
      if (saved !== undefined) globalThis.WebSocket = saved;
    });
    open({ WebSocket: undefined });
    assert.equal(chsk.state.type, "ajax");
    assert.equal(gets().length, 1);
  });

  it("never downgrades once a WebSocket has opened", () => {
    open();
    WS.last.handshake();
    WS.last.fail();
    assert.equal(chsk.state.lastClose.reason, "unexpected");
    WS.last.fail(); // the retry fails before its handshake
    mock.timers.tick(60_000);
    WS.last.fail();
    assert.equal(chsk.state.type, "ws");
    assert.equal(fetch.requests.length, 0);
    assert.ok(WS.instances.length >= 3);
  });

  it("never downgrades with type ws", () => {
    open({ type: "ws" });
    WS.last.fail();
    assert.equal(chsk.state.lastClose.reason, "unexpected");
    assert.equal(WS.instances.length, 2);
    assert.equal(fetch.requests.length, 0);
  });

  it("tries a WebSocket again every wsRetryMs while on Ajax, and moves back when it handshakes", async () => {
    open();
    WS.last.fail();
    fetch.last().respond(200, HANDSHAKE);
    await flush();
    const poll = fetch.last();
    const states = recordStates(chsk);
    const events = recordEvents(chsk);
    mock.timers.tick(29_999);
    assert.equal(WS.instances.length, 1);
    mock.timers.tick(1);
    assert.equal(WS.instances.length, 2);
    const probe = WS.last;
    assert.equal(probe.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    assert.equal(chsk.state.type, "ajax", "Ajax stays in use while the probe connects");
    probe.handshake("alice");
    assert.equal(chsk.state.type, "ws");
    assert.equal(chsk.state.open, true);
    assert.equal(states.at(-1).openChanged, false, "no close in between");
    assert.deepEqual(events, [["chsk/handshake", ["alice", null, null, false]]]);
    assert.equal(poll.aborted, true, "the long-poll stops");
    await flush();
    const requests = fetch.requests.length;
    assert.equal(chsk.send("x/a", 1), true);
    assert.deepEqual(probe.frames(), [[["x/a", 1], null]]);
    assert.equal(fetch.requests.length, requests, "sends go over the WebSocket now");
    mock.timers.tick(10_000);
    assert.equal(probe.frames().at(-1)[0][0], "chsk/ws-ping", "the WebSocket keep-alive runs");
  });

  it("keeps Ajax and tries again later when the probe fails", async () => {
    open();
    WS.last.fail();
    fetch.last().respond(200, HANDSHAKE);
    await flush();
    const states = recordStates(chsk);
    mock.timers.tick(30_000);
    WS.last.fail();
    assert.equal(chsk.state.type, "ajax");
    assert.equal(chsk.state.open, true);
    assert.deepEqual(states, []);
    mock.timers.tick(30_000);
    assert.equal(WS.instances.length, 3);
    WS.last.accept();
    WS.last.receive(["chsk/ws-ping", null]);
    assert.deepEqual(WS.last.frames(), [[["chsk/ws-pong"], null]], "a probe answers pings");
  });

  it("gives up a probe that gets no handshake within wsRetryMs, and tries again later", () => {
    open();
    WS.last.fail();
    mock.timers.tick(30_000);
    const probe = WS.last.accept(); // the upgrade succeeds, but no handshake ever comes
    mock.timers.tick(29_999);
    assert.equal(probe.closedWith, null);
    mock.timers.tick(1);
    assert.deepEqual(probe.closedWith, { code: 1000, reason: "ws-retry-failed" });
    assert.equal(WS.instances.length, 2);
    mock.timers.tick(30_000);
    assert.equal(WS.instances.length, 3);
    assert.equal(chsk.state.type, "ajax");
  });

  it("moves back to WebSocket even while Ajax waits to reconnect", async () => {
    open({ backoff: () => 60_000 });
    WS.last.fail(); // the probe is due in 30 s
    fetch.last().respond(200, HANDSHAKE);
    await flush();
    fetch.last().fail(); // retry 1: at once
    await flush();
    fetch.last().fail(); // retry 2: in 60 s
    await flush();
    const requests = fetch.requests.length;
    assert.equal(chsk.state.nextReconnectAt, Date.now() + 60_000);
    mock.timers.tick(30_000);
    WS.last.handshake();
    assert.equal(chsk.state.type, "ws");
    assert.equal(chsk.state.open, true);
    assert.equal(chsk.state.nextReconnectAt, null);
    mock.timers.tick(60_000);
    await flush();
    assert.equal(fetch.requests.length, requests, "the Ajax retry was cancelled");
  });

  it("does not probe when wsRetryMs is 0", async () => {
    open({ wsRetryMs: 0 });
    WS.last.fail();
    mock.timers.tick(300_000);
    assert.equal(WS.instances.length, 1);
  });

  it("tries WebSocket first again after reconnect()", () => {
    open({ wsRetryMs: 0 });
    WS.last.fail();
    assert.equal(chsk.state.type, "ajax");
    chsk.reconnect();
    assert.equal(chsk.state.type, "ws");
    assert.equal(WS.instances.length, 2);
    assert.equal(fetch.open().length, 0, "the Ajax poll was aborted");
  });

  it("stops probing on disconnect", () => {
    open();
    WS.last.fail();
    chsk.disconnect();
    mock.timers.tick(300_000);
    assert.equal(WS.instances.length, 1);
  });
});
