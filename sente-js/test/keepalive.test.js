import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect } from "sente-js";
import { advance, fakeTime, fakeWebSocket, flush } from "../test-support/fakes.js";

const T0 = 1_000_000;

describe("keep-alive and ping timeout (defaults: ping after 10 s idle, pong due within 5 s)", () => {
  let WS;
  let chsk;

  beforeEach(() => {
    fakeTime(T0);
    WS = fakeWebSocket();
    chsk = connect("/chsk", { host: "h", type: "ws", WebSocket: WS, onError: () => {} });
    WS.last.handshake();
  });

  afterEach(() => {
    chsk.disconnect();
    mock.timers.reset();
  });

  const pings = (ws = WS.instances[0]) => ws.frames().filter(([ev]) => ev[0] === "chsk/ws-ping");

  it('sends [["chsk/ws-ping"], cb] after 10 s without a message, and stays open when the pong comes', () => {
    mock.timers.tick(9_999);
    assert.deepEqual(pings(), []);
    mock.timers.tick(1);
    assert.equal(pings().length, 1);
    const [event, cb] = pings()[0];
    assert.deepEqual(event, ["chsk/ws-ping"]);
    assert.match(cb, /^[0-9a-f]{6}$/);
    WS.last.receive(["pong", cb]);
    mock.timers.tick(9_999);
    assert.equal(chsk.state.open, true);
    assert.equal(WS.instances.length, 1);
    mock.timers.tick(1);
    assert.equal(pings().length, 2, "the next ping comes 10 s after the pong");
  });

  it("does not ping while messages arrive", () => {
    mock.timers.tick(5_000);
    WS.last.receive([[["x/a", 1]], null]);
    mock.timers.tick(5_000);
    assert.deepEqual(pings(), [], "only 5 s idle at the first check");
    mock.timers.tick(10_000);
    assert.equal(pings().length, 1);
  });

  it("closes with ws-ping-timeout and reconnects at once when the pong is 5 s overdue", () => {
    mock.timers.tick(10_000);
    assert.equal(pings().length, 1);
    mock.timers.tick(4_999);
    assert.equal(chsk.state.open, true);
    mock.timers.tick(1);
    assert.equal(chsk.state.open, false);
    assert.equal(chsk.state.lastClose.reason, "ws-ping-timeout");
    assert.equal(WS.instances[0].closedWith.code, 3000);
    assert.equal(WS.instances.length, 2, "the first retry is immediate");
  });

  it("counts any message after the ping as proof of life", () => {
    advance(12_000);
    assert.equal(pings().length, 1);
    WS.last.receive([[["x/a", 1]], null]);
    advance(17_900);
    assert.equal(chsk.state.open, true);
    assert.equal(WS.instances.length, 1);
    assert.equal(pings().length, 1, "the message at 12 s counts as activity at the check at 20 s");
    advance(100);
    assert.equal(pings().length, 2);
  });

  it("stays open when the keep-alive timer fires 60 s late but a message arrived 1 s ago (throttled tab)", () => {
    mock.timers.setTime(T0 + 69_000); // timers did not run: the tab was throttled
    WS.last.receive([[["x/a", 1]], null]);
    mock.timers.setTime(T0 + 70_000);
    mock.timers.tick(0); // the check due at T0 + 10 s runs now, 60 s late
    assert.deepEqual(pings(), [], "received 1 s ago: no ping needed");
    assert.equal(chsk.state.open, true);
    mock.timers.tick(30_000);
    assert.equal(WS.instances.length, 1);
  });

  it("stays open when the ping check fires 60 s late but a message arrived 1 s ago", () => {
    mock.timers.tick(10_000);
    assert.equal(pings().length, 1, "ping sent at T0 + 10 s");
    mock.timers.setTime(T0 + 74_000);
    WS.last.receive([[["x/a", 1]], null]);
    mock.timers.setTime(T0 + 75_000);
    mock.timers.tick(0); // the check due at T0 + 15 s runs now
    advance(5_000);
    assert.equal(chsk.state.open, true);
    assert.equal(WS.instances.length, 1);
  });

  it("reads what the sleeping tab queued before deciding: a pong read just after a late check keeps it open", () => {
    mock.timers.tick(10_000);
    const [, cb] = pings()[0];
    mock.timers.setTime(T0 + 75_000);
    mock.timers.tick(0); // the late check waits once more instead of deciding
    assert.equal(chsk.state.open, true);
    WS.last.receive(["pong", cb]);
    mock.timers.tick(1_000);
    assert.equal(chsk.state.open, true);
    assert.equal(WS.instances.length, 1);
  });

  it("times out a late check once the short grace passes with nothing received", () => {
    mock.timers.tick(10_000);
    mock.timers.setTime(T0 + 75_000);
    mock.timers.tick(0);
    assert.equal(chsk.state.open, true);
    mock.timers.tick(1_000);
    assert.equal(chsk.state.lastClose.reason, "ws-ping-timeout");
    assert.equal(WS.instances.length, 2);
  });

  it("finds a half-dead connection (breakConnection closeWs: false) with the keep-alive", async () => {
    chsk.breakConnection({ closeWs: false });
    assert.equal(chsk.send("x/a", 1), true, "a half-open TCP connection accepts writes");
    WS.instances[0].receive([[["x/ignored", 1]], null]);
    mock.timers.tick(10_000);
    assert.equal(chsk.state.open, true);
    mock.timers.tick(5_000);
    assert.equal(chsk.state.lastClose.reason, "ws-ping-timeout");
    assert.deepEqual(WS.instances[0].sent, [], "nothing was really written");
    await flush();
    assert.equal(WS.instances.length, 2);
  });

  it("stops its timers on a new connection: no ping goes to the old socket", () => {
    chsk.reconnect();
    WS.last.handshake();
    mock.timers.tick(10_000);
    assert.deepEqual(pings(WS.instances[0]), []);
    assert.equal(pings(WS.instances[1]).length, 1);
  });

  it("uses keepAliveMs and pingTimeoutMs when given", () => {
    chsk.disconnect();
    chsk = connect("/chsk", { host: "h", type: "ws", WebSocket: WS, keepAliveMs: 2_000, pingTimeoutMs: 500 });
    const ws = WS.last.handshake();
    mock.timers.tick(1_000);
    assert.equal(pings(ws).length, 1);
    mock.timers.tick(500);
    assert.equal(chsk.state.lastClose.reason, "ws-ping-timeout");
  });
});
