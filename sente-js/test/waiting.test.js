// Sends made while the socket connects or reconnects, with or without a reply: they are kept, at
// most MAX_WAITING_SENDS, each until its own timeout (with a reply) or until sent; they go out in
// call order right after the handshake, before anything the state listeners send. The application
// can list and drop them; disconnect() and stopReconnecting fail them.
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect, MAX_WAITING_SENDS, SenteClosedError, SenteTimeoutError } from "sente-js";
import { fakeFetch, fakeTime, fakeWebSocket, flush } from "../test-support/fakes.js";

/** Whether the promise has settled yet, without waiting for it. */
async function settled(promise) {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await flush();
  return done;
}

describe("sends kept while connecting or reconnecting", () => {
  let WS;
  let fetch;
  let chsk;

  const open = (options = {}) =>
    (chsk = connect("/chsk", {
      host: "app.example",
      protocol: "http:",
      type: "ws",
      clientId: "c1",
      WebSocket: WS,
      fetch,
      onError: () => {},
      ...options,
    }));

  beforeEach(() => {
    fakeTime();
    WS = fakeWebSocket();
    fetch = fakeFetch();
  });

  afterEach(() => {
    chsk?.disconnect();
    mock.timers.reset();
  });

  it("wait for the first open, go out in order before what state listeners send, resolve", async () => {
    open();
    chsk.onState((s) => {
      if (s.firstOpen) chsk.send("x/from-listener", 0, { timeoutMs: 5000 }).catch(() => {});
    });
    const first = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5000 });
    const second = chsk.send("chat/send", { text: "again" }, { timeoutMs: 5000 });
    assert.equal(await settled(first), false);
    WS.last.accept();
    assert.deepEqual(WS.last.sent, [], "nothing before the handshake");
    WS.last.handshake();
    const frames = WS.last.frames();
    assert.deepEqual(
      frames.map(([event]) => event),
      [
        ["chat/send", { text: "hi" }],
        ["chat/send", { text: "again" }],
        ["x/from-listener", 0],
      ],
    );
    WS.last.receive([true, frames[0][1]]);
    WS.last.receive(["ok", frames[1][1]]);
    assert.equal(await first, true);
    assert.equal(await second, "ok");
  });

  it("reject with chsk/timeout when not open within timeoutMs, and are never sent", async () => {
    open();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 1000 });
    mock.timers.tick(999);
    assert.equal(await settled(reply), false);
    mock.timers.tick(1);
    await assert.rejects(
      reply,
      (e) =>
        e instanceof SenteTimeoutError &&
        e.eventId === "chat/send" &&
        /Not open within 1000 ms: chat\/send was not sent/.test(e.message),
    );
    WS.last.handshake();
    assert.deepEqual(WS.last.sent, []);
  });

  it("spend the wait out of their timeoutMs: the reply gets what is left", async () => {
    open();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 5000 });
    mock.timers.tick(3000);
    WS.last.handshake();
    assert.equal(WS.last.frames().length, 1);
    mock.timers.tick(1999);
    assert.equal(await settled(reply), false);
    mock.timers.tick(1);
    await assert.rejects(reply, (e) => e instanceof SenteTimeoutError && /within 2000 ms/.test(e.message));
  });

  it("reject with chsk/closed when the application disconnects", async () => {
    open();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 60_000 });
    chsk.disconnect();
    await assert.rejects(
      reply,
      (e) => e instanceof SenteClosedError && /Disconnected before chat\/send was sent/.test(e.message),
    );
  });

  it("reject with chsk/closed when stopReconnecting gives up", async () => {
    open({ stopReconnecting: () => true });
    const reply = chsk.send("chat/send", 1, { timeoutMs: 60_000 });
    WS.last.fail();
    await assert.rejects(reply, (e) => e instanceof SenteClosedError);
    assert.equal(chsk.state.stopped, true);
  });

  it("are refused at once when the socket is stopped", async () => {
    open();
    chsk.disconnect();
    await assert.rejects(
      chsk.send("chat/send", 1, { timeoutMs: 60_000 }),
      (e) => e instanceof SenteClosedError && /Not open: chat\/send was not sent/.test(e.message),
    );
  });

  it(`wait at most ${MAX_WAITING_SENDS} at a time; more are refused at once`, async () => {
    open();
    const waiting = [];
    for (let i = 0; i < MAX_WAITING_SENDS; i++) waiting.push(chsk.send("x/n", i, { timeoutMs: 60_000 }));
    await assert.rejects(
      chsk.send("x/n", MAX_WAITING_SENDS, { timeoutMs: 60_000 }),
      (e) => e instanceof SenteClosedError && /already waiting/.test(e.message),
    );
    WS.last.handshake();
    assert.deepEqual(
      WS.last.frames().map(([[, n]]) => n),
      waiting.map((_, i) => i),
    );
    chsk.disconnect();
    for (const w of waiting) await assert.rejects(w, SenteClosedError);
  });

  it("wait through a failed first attempt and its retries, until the first open", async () => {
    open();
    const reply = chsk.send("chat/send", 1, { timeoutMs: 10_000 });
    WS.last.fail(); // the first retry is immediate
    assert.equal(WS.instances.length, 2);
    WS.last.handshake();
    const [[event, cb]] = WS.last.frames();
    assert.deepEqual(event, ["chat/send", 1]);
    WS.last.receive(["saved", cb]);
    assert.equal(await reply, "saved");
  });

  it("are kept while the socket reconnects after having been open, with or without a reply", async () => {
    open();
    WS.last.handshake();
    chsk.onState((s) => {
      if (s.open) chsk.send("x/from-listener", 0);
    });
    WS.last.fail(); // the first retry is immediate
    assert.equal(WS.instances.length, 2);
    assert.equal(chsk.send("x/a", 1), true, "kept: true");
    const reply = chsk.send("x/b", 2, { timeoutMs: 5000 });
    assert.equal(chsk.send("x/c"), true);
    assert.equal(await settled(reply), false);
    WS.last.fail(); // the next retry waits: they stay kept through it
    mock.timers.tick(4000);
    assert.equal(WS.instances.length, 3);
    WS.last.handshake();
    const frames = WS.last.frames();
    assert.deepEqual(
      frames.map(([event, cb]) => [event, cb === null]),
      [
        [["x/a", 1], true],
        [["x/b", 2], false],
        [["x/c"], true],
        [["x/from-listener", 0], true],
      ],
    );
    WS.last.receive(["saved", frames[1][1]]);
    assert.equal(await reply, "saved");
    assert.deepEqual(chsk.pending(), []);
  });

  it("a kept request times out on its own timeoutMs and is never sent; the others are", async () => {
    open();
    WS.last.handshake();
    WS.last.fail();
    const short = chsk.send("x/short", 1, { timeoutMs: 1000 });
    chsk.send("x/plain", 2);
    mock.timers.tick(1000);
    await assert.rejects(
      short,
      (e) => e instanceof SenteTimeoutError && /Not open within 1000 ms/.test(e.message),
    );
    WS.last.handshake();
    assert.deepEqual(WS.last.frames(), [[["x/plain", 2], null]]);
  });

  it("a send without a reply made before the first open is kept too and returns true", () => {
    open();
    assert.equal(chsk.send("chat/send", 1), true);
    WS.last.handshake();
    assert.deepEqual(WS.last.frames(), [[["chat/send", 1], null]]);
  });

  it("are kept across reconnect(), and go out after its handshake", () => {
    open();
    WS.last.handshake();
    chsk.onState((s) => {
      if (!s.open && s.lastClose?.reason === "requested-reconnect") chsk.send("x/while-closing", 1);
    });
    chsk.reconnect();
    assert.equal(chsk.send("x/after", 2), true);
    assert.deepEqual(
      chsk.pending().map((p) => p.eventId),
      ["x/while-closing", "x/after"],
    );
    WS.last.handshake();
    assert.deepEqual(WS.last.frames(), [
      [["x/while-closing", 1], null],
      [["x/after", 2], null],
    ]);
  });

  it("pending() lists the kept sends in order; dropPending() drops them, failing the requests", async () => {
    open();
    WS.last.handshake();
    WS.last.fail();
    chsk.send("x/a", 1);
    const b = chsk.send("x/b", { k: 2 }, { timeoutMs: 5000 });
    const c = chsk.send("x/c", 3, { timeoutMs: 9000 });
    chsk.send("x/d");
    const list = chsk.pending();
    assert.deepEqual(list, [
      { eventId: "x/a", data: 1, reply: false, deadline: null },
      { eventId: "x/b", data: { k: 2 }, reply: true, deadline: 1_000_000 + 5000 },
      { eventId: "x/c", data: 3, reply: true, deadline: 1_000_000 + 9000 },
      { eventId: "x/d", data: undefined, reply: false, deadline: null },
    ]);
    assert.equal(Object.isFrozen(list[0]), true);
    assert.equal(
      chsk.dropPending((p) => p.eventId === "x/b" || p.eventId === "x/d"),
      2,
    );
    await assert.rejects(
      b,
      (e) => e instanceof SenteClosedError && /Dropped before x\/b was sent/.test(e.message),
    );
    assert.deepEqual(
      chsk.pending().map((p) => p.eventId),
      ["x/a", "x/c"],
    );
    assert.equal(chsk.dropPending(), 2);
    await assert.rejects(c, SenteClosedError);
    WS.last.handshake();
    assert.deepEqual(WS.last.sent, []);
  });

  it(`keep at most ${MAX_WAITING_SENDS} sends of either kind; one more is refused at once`, async () => {
    open();
    WS.last.handshake();
    WS.last.fail();
    const replies = [];
    for (let i = 0; i < MAX_WAITING_SENDS; i++) {
      if (i % 2) replies.push(chsk.send("x/n", i, { timeoutMs: 60_000 }));
      else assert.equal(chsk.send("x/n", i), true);
    }
    assert.equal(chsk.send("x/n", "over"), false, "refused: false, nothing sent later");
    await assert.rejects(
      chsk.send("x/n", "over", { timeoutMs: 60_000 }),
      (e) => e instanceof SenteClosedError && /already waiting/.test(e.message),
    );
    WS.last.handshake();
    assert.deepEqual(
      WS.last.frames().map(([[, n]]) => n),
      [...Array(MAX_WAITING_SENDS).keys()],
    );
    chsk.disconnect();
    for (const r of replies) await assert.rejects(r, SenteClosedError);
  });

  it("disconnect() fails the kept sends: nothing is sent after a later reconnect()", async () => {
    open();
    WS.last.handshake();
    WS.last.fail();
    chsk.send("x/a", 1);
    const reply = chsk.send("x/b", 2, { timeoutMs: 60_000 });
    chsk.disconnect();
    await assert.rejects(
      reply,
      (e) => e instanceof SenteClosedError && /Disconnected before x\/b/.test(e.message),
    );
    assert.deepEqual(chsk.pending(), []);
    assert.equal(chsk.send("x/c", 3), false, "stopped: refused");
    chsk.reconnect();
    WS.last.handshake();
    assert.deepEqual(WS.last.sent, []);
  });

  it("stopReconnecting giving up fails the kept sends of a socket that was open", async () => {
    open({ stopReconnecting: (c) => c.attempt > 1 });
    WS.last.handshake();
    WS.last.fail(); // retry 1, at once
    chsk.send("x/a", 1);
    const reply = chsk.send("x/b", 2, { timeoutMs: 60_000 });
    WS.last.fail(); // retry 2: stop
    assert.equal(chsk.state.stopped, true);
    await assert.rejects(reply, SenteClosedError);
    assert.deepEqual(chsk.pending(), []);
  });

  it("go out as Ajax POSTs once the Ajax handshake arrives, in call order", async () => {
    open({ type: "ajax" });
    const reply = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5000 });
    assert.equal(chsk.send("chat/seen", 2), true);
    assert.equal(fetch.requests.length, 1, "only the handshake poll");
    fetch.last().respond(200, [["chsk/handshake", ["alice", null, null]], null]);
    await flush();
    const posts = fetch.requests.filter((r) => r.method === "POST");
    assert.deepEqual(
      posts.map((p) => p.form.ppstr),
      ['[["chat/send",{"text":"hi"}],"ajax"]', '[["chat/seen",2],null]'],
    );
    posts[0].respond(200, [true, null]);
    assert.equal(await reply, true);
  });
});
