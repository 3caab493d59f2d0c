// Sends that want a reply, made before the socket's first open (right after connect): they wait for
// it, in order, bounded by their own timeoutMs and by MAX_WAITING_SENDS, and are rejected when the
// application stops the socket. Once it has been open, a send while it reconnects fails at once.
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

describe("sends made before the open", () => {
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
      [["chat/send", { text: "hi" }], ["chat/send", { text: "again" }], ["x/from-listener", 0]],
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

  it("are refused at once while the socket reconnects after having been open", async () => {
    open();
    WS.last.handshake();
    WS.last.fail(); // the first retry is immediate
    assert.equal(WS.instances.length, 2);
    await assert.rejects(
      chsk.send("chat/send", 1, { timeoutMs: 5000 }),
      (e) => e instanceof SenteClosedError && /Not open: chat\/send was not sent/.test(e.message),
    );
    WS.last.handshake();
    assert.deepEqual(WS.last.sent, []);
  });

  it("still leave a send without a reply unsent: it returns false (as in Sente)", () => {
    open();
    assert.equal(chsk.send("chat/send", 1), false);
    WS.last.handshake();
    assert.deepEqual(WS.last.sent, []);
  });

  it("go out as Ajax POSTs once the Ajax handshake arrives", async () => {
    open({ type: "ajax" });
    const reply = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5000 });
    assert.equal(fetch.requests.length, 1, "only the handshake poll");
    fetch.last().respond(200, [["chsk/handshake", ["alice", null, null]], null]);
    await flush();
    const post = fetch.requests.find((r) => r.method === "POST");
    assert.equal(post.form.ppstr, '[["chat/send",{"text":"hi"}],"ajax"]');
    post.respond(200, [true, null]);
    assert.equal(await reply, true);
  });
});
