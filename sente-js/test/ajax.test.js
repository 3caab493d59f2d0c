import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect, SenteClosedError, SenteFailedError, SenteTimeoutError } from "sente-js";
import { fakeFetch, fakeTime, flush, recordEvents, recordStates } from "../test-support/fakes.js";

const T0 = 1_000_000;
const HANDSHAKE = [["chsk/handshake", ["alice", null, null]], null];

describe("Ajax transport", () => {
  let fetch;
  let chsk;

  const open = (options = {}) =>
    (chsk = connect("/chsk", {
      host: "app.example",
      protocol: "http:",
      type: "ajax",
      clientId: "c1",
      csrfToken: "tok",
      params: { room: 1 },
      fetch,
      onError: () => {},
      ...options,
    }));

  /** Opens the socket: answers the handshake poll; returns the long-poll that follows. */
  const handshake = async () => {
    fetch.last().respond(200, HANDSHAKE);
    await flush();
    return fetch.last();
  };

  beforeEach(() => {
    fakeTime(T0);
    fetch = fakeFetch();
  });

  afterEach(() => {
    chsk?.disconnect();
    mock.timers.reset();
  });

  it("asks for the handshake with a GET carrying params, udt, client id, handshake? and the CSRF header", () => {
    open();
    assert.equal(fetch.requests.length, 1);
    const req = fetch.last();
    assert.equal(req.method, "GET");
    assert.equal(req.url, `http://app.example/chsk?room=1&udt=${T0}&client-id=c1&handshake%3F=1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    assert.equal(req.headers["X-CSRF-Token"], "tok");
    assert.equal(req.headers["X-Requested-With"], "XMLHTTPRequest");
    assert.equal(chsk.state.type, "ajax");
  });

  it("opens on the handshake, then long-polls without handshake?", async () => {
    open();
    const states = recordStates(chsk);
    const events = recordEvents(chsk);
    const poll = await handshake();
    assert.equal(chsk.state.open, true);
    assert.equal(states[0].firstOpen, true);
    assert.equal(states[0].type, "ajax");
    assert.deepEqual(events, [["chsk/handshake", ["alice", null, null, true]]]);
    assert.equal(fetch.requests.length, 2);
    assert.deepEqual(poll.params, { room: "1", udt: String(T0), "client-id": "c1", ext: "resume", cepoch: chsk.clientEpoch, cfrom: "1" });
  });

  it("polls again at once after chsk/timeout (v3 and v2 forms), with no state change", async () => {
    open();
    await handshake();
    const states = recordStates(chsk);
    fetch.last().respond(200, ["chsk/timeout", null]);
    await flush();
    fetch.last().respond(200, ["chsk/timeout"]);
    await flush();
    assert.equal(fetch.requests.length, 4);
    assert.equal(fetch.open().length, 1, "one poll at a time");
    assert.deepEqual(states, []);
  });

  it("delivers a pushed batch and polls again", async () => {
    open();
    await handshake();
    const events = recordEvents(chsk);
    fetch.last().respond(200, [
      [
        ["chat/msg", { text: "hi" }],
        ["chat/typing", "bob"],
      ],
      null,
    ]);
    await flush();
    assert.deepEqual(events, [
      ["chat/msg", { text: "hi" }],
      ["chat/typing", "bob"],
    ]);
    assert.equal(fetch.requests.length, 3);
    fetch.last().respond(200, [[["x/a", 1]]]);
    await flush();
    assert.deepEqual(events.at(-1), ["x/a", 1], "the v2 push form too");
  });

  it("closes as unexpected on an HTTP error, retries at once with a handshake, then backs off", async () => {
    open({ backoff: { jitter: 0 } });
    await handshake();
    fetch.last().respond(500, "boom");
    await flush();
    assert.equal(chsk.state.open, false);
    assert.deepEqual({ ...chsk.state.lastClose }, { reason: "unexpected", at: T0, status: 500 });
    assert.equal(fetch.requests.length, 3, "retry 1 is immediate");
    assert.equal(fetch.last().params["handshake?"], "1");
    fetch.last().fail();
    await flush();
    assert.equal(chsk.state.nextReconnectAt, T0 + 4_000);
    mock.timers.tick(3_999);
    assert.equal(fetch.requests.length, 3);
    mock.timers.tick(1);
    assert.equal(fetch.requests.length, 4);
  });

  it("closes as unexpected on an unreadable poll response", async () => {
    open();
    await handshake();
    fetch.last().respond(200, "<html>proxy error</html>");
    await flush();
    assert.equal(chsk.state.lastClose.reason, "unexpected");
  });

  it("polls again at once, staying open, when a poll takes longer than ajaxTimeoutMs", async () => {
    open();
    const poll = await handshake();
    const states = recordStates(chsk);
    mock.timers.tick(60_000);
    await flush();
    assert.equal(poll.aborted, true);
    assert.equal(fetch.requests.length, 3);
    assert.equal(fetch.last().params["handshake?"], undefined);
    assert.deepEqual(states, []);
  });

  it("posts nothing before the handshake: sends are kept for it (waiting.test.js)", async () => {
    open();
    assert.equal(chsk.send("chat/send", 1), true, "kept");
    const reply = chsk.send("chat/send", 1, { timeoutMs: 100 });
    mock.timers.tick(100);
    await assert.rejects(reply, SenteTimeoutError);
    assert.equal(fetch.requests.length, 1);
    chsk.dropPending();
  });

  it('posts an event that wants a reply as [[id, data], "ajax"] and resolves with [reply, null]', async () => {
    open();
    await handshake();
    const reply = chsk.send("chat/send", { text: "hi" }, { timeoutMs: 5_000 });
    const post = fetch.last();
    assert.equal(post.method, "POST");
    assert.equal(post.url, "http://app.example/chsk?ext=resume", "user params are not sent on POSTs");
    assert.equal(post.headers["Content-Type"], "application/x-www-form-urlencoded;charset=UTF-8");
    assert.equal(post.headers["X-CSRF-Token"], "tok");
    assert.match(post.body, /^udt=\d+&client-id=c1&ppstr=/);
    assert.deepEqual(post.form, {
      udt: String(T0),
      "client-id": "c1",
      ppstr: '[["chat/send",{"text":"hi"}],"ajax"]',
    });
    post.respond(200, [{ ok: 1 }, null]);
    assert.deepEqual(await reply, { ok: 1 });
  });

  it("posts an event without a reply as [[id, data], null] and returns true", async () => {
    open();
    await handshake();
    assert.equal(chsk.send("chat/send", { text: "hi" }), true);
    const post = fetch.last();
    assert.equal(post.form.ppstr, '[["chat/send",{"text":"hi"}],null]');
    post.respond(200, ["chsk/dummy-cb-200", null]);
    await flush();
    assert.equal(chsk.state.open, true);
  });

  it("rejects with chsk/timeout when the server answers chsk/timeout", async () => {
    open();
    await handshake();
    const reply = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    fetch.last().respond(200, ["chsk/timeout", null]);
    await assert.rejects(reply, (e) => e instanceof SenteTimeoutError && e.outcome === "chsk/timeout");
  });

  it("rejects with chsk/error when the server answers chsk/error", async () => {
    open();
    await handshake();
    const reply = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    fetch.last().respond(200, ["chsk/error", null]);
    await assert.rejects(reply, (e) => e instanceof SenteFailedError && e.outcome === "chsk/error");
  });

  it("rejects with chsk/error and the status on an HTTP error, and on an empty body", async () => {
    open();
    await handshake();
    const forbidden = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    fetch.last().respond(403, "Bad CSRF token");
    await assert.rejects(forbidden, (e) => e instanceof SenteFailedError && e.status === 403);
    const empty = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    fetch.last().respond(200, "");
    await assert.rejects(empty, SenteFailedError);
    const network = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    fetch.last().fail();
    await assert.rejects(network, (e) => e instanceof SenteFailedError && e.cause instanceof TypeError);
    assert.equal(chsk.state.open, true, "a failed send does not close the poll");
  });

  it("rejects with chsk/timeout and aborts the POST when timeoutMs passes", async () => {
    open();
    await handshake();
    const reply = chsk.send("x/a", 1, { timeoutMs: 1_000 });
    const post = fetch.last();
    mock.timers.tick(1_000);
    await assert.rejects(reply, SenteTimeoutError);
    assert.equal(post.aborted, true);
  });

  it("stops reconnecting after 401 when stopReconnecting says so (Sente issue 479)", async () => {
    const asked = [];
    open({ stopReconnecting: (c) => (asked.push(c), c.status === 401 || c.status === 403) });
    await handshake();
    fetch.last().respond(401, "Unauthorized request");
    await flush();
    assert.equal(asked.length, 1);
    assert.equal(asked[0].type, "ajax");
    assert.equal(asked[0].status, 401);
    assert.equal(chsk.state.stopped, true);
    assert.equal(chsk.state.lastClose.status, 401);
    mock.timers.tick(120_000);
    await flush();
    assert.equal(fetch.requests.length, 2);
  });

  it("disconnect aborts the poll and the POSTs in flight", async () => {
    open();
    const poll = await handshake();
    const reply = chsk.send("x/a", 1, { timeoutMs: 30_000 });
    const post = fetch.last();
    chsk.disconnect();
    await assert.rejects(reply, SenteClosedError);
    assert.equal(poll.aborted, true);
    assert.equal(post.aborted, true);
    assert.equal(chsk.state.lastClose.reason, "requested-disconnect");
    await flush();
    assert.equal(fetch.requests.length, 3);
  });

  it("breakConnection aborts the poll, which reconnects with a new handshake", async () => {
    open();
    const poll = await handshake();
    chsk.breakConnection();
    await flush();
    assert.equal(poll.aborted, true);
    assert.equal(chsk.state.lastClose.reason, "unexpected");
    assert.equal(fetch.last().params["handshake?"], "1");
  });

  it("calls fetch with globalThis as this, as the browser's fetch requires", () => {
    const thisValues = [];
    open({
      fetch: function (url, init) {
        thisValues.push(this);
        return fetch(url, init);
      },
    });
    assert.deepEqual(thisValues, [globalThis]);
  });

  it("uses https and leaves out the CSRF header when there is no token", () => {
    open({ protocol: "https:", csrfToken: null, params: undefined });
    assert.equal(
      fetch.last().url,
      `https://app.example/chsk?udt=${T0}&client-id=c1&handshake%3F=1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`,
    );
    assert.equal("X-CSRF-Token" in fetch.last().headers, false);
  });
});
