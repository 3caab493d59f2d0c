// The resume extension (docs/protocol.md, Extensions / Resume): the client asks for it, keeps the
// cursor a server grants, drops what it has seen already, sends its cursor on every reconnect and
// poll (across a change of transport too), and reports recovered or gap after every open but the
// first. A server that does not grant it (every Sente server) sees the client behave as before.
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

const GRANT = (seq, more = {}) => ({ ext: ["resume"], epoch: "E1", seq, ...more });
const push = (events, meta) => (meta === undefined ? [events, null] : [events, null, meta]);
const ajaxHandshake = (meta) => {
  const frame = [["chsk/handshake", ["alice", null, null]], null];
  if (meta !== undefined) frame.push(meta);
  return frame;
};

/** The pushed events a socket delivered (chsk/* left out), as [id, data]. */
const pushed = (events) => events.filter(([id]) => !id.startsWith("chsk/"));

describe("resume", () => {
  let WS;
  let fetch;
  let chsk;

  const open = (options = {}) =>
    (chsk = connect("/chsk", {
      host: "h",
      protocol: "http:",
      type: "ws",
      clientId: "c1",
      WebSocket: WS,
      fetch,
      onError: () => {},
      ...options,
    }));

  /** Records what `on("chsk/recovery")` receives. */
  const recoveries = () => {
    const seen = [];
    chsk.on("chsk/recovery", (data) => seen.push(data));
    return seen;
  };

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

  it("is asked for on the WebSocket URL, every Ajax GET and every POST; resume: false asks nothing", async () => {
    open();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    chsk.disconnect();
    open({ type: "ajax" });
    assert.equal(gets().at(-1).params.ext, "resume");
    fetch.last().respond(200, ajaxHandshake());
    await flush();
    assert.equal(gets().at(-1).params.ext, "resume", "the poll");
    chsk.send("x/a", 1);
    const post = fetch.requests.find((r) => r.method === "POST");
    assert.equal(post.url, "http://h/chsk?ext=resume");
    chsk.disconnect();

    const before = fetch.requests.length;
    open({ resume: false, params: { ext: "mine" } });
    assert.equal(WS.last.url, "ws://h/chsk?ext=mine&client-id=c1", "the application's own ext is left alone");
    chsk.disconnect();
    open({ type: "ajax", resume: false });
    fetch.last().respond(200, ajaxHandshake());
    await flush();
    chsk.send("x/a", 1);
    for (const r of fetch.requests.slice(before)) {
      assert.equal(new URL(r.url).searchParams.has("ext"), false, r.url);
    }
  });

  it("is refused with a clear TypeError for a resume option that is not a boolean", () => {
    assert.throws(() => open({ resume: "yes" }), /resume must be true or false/);
  });

  it("not granted: everything is delivered, no cursor is sent, nothing is reported", () => {
    open();
    const events = recordEvents(chsk);
    const states = recordStates(chsk);
    WS.last.handshake("alice", null); // no meta: not granted
    WS.last.receive(push([["x/a", 1]], { seq: 5 }));
    WS.last.receive(push([["x/a", 1]], { seq: 5 }));
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`, "no cursor");
    WS.last.handshake("alice", null, { ext: ["other"] }); // granting something else is not resume
    assert.deepEqual(pushed(events), [
      ["x/a", 1],
      ["x/a", 1],
    ]);
    assert.equal(
      events.some(([id]) => id === "chsk/recovery"),
      false,
    );
    assert.equal(
      states.some((s) => "recovery" in s),
      false,
      "no recovery field",
    );
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
  });

  it("granted: events at or below the cursor are dropped, the rest delivered in order, the cursor moves", () => {
    open();
    const events = recordEvents(chsk);
    WS.last.handshake("alice", null, GRANT(10));
    WS.last.receive(
      push(
        [
          ["x/n", 10],
          ["x/n", 11],
          ["x/n", 12],
        ],
        { seq: 12 },
      ),
    ); // 10 is had already
    WS.last.receive(push([["x/n", 12]], { seq: 12 })); // a duplicate
    WS.last.receive(
      push(
        [
          ["x/n", 13],
          ["x/n", 14],
        ],
        { seq: 14 },
      ),
    );
    WS.last.receive(push([["x/n", 9]], { seq: 9 })); // from before the cursor
    assert.deepEqual(
      pushed(events).map(([, n]) => n),
      [11, 12, 13, 14],
    );
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&epoch=E1&seq=14&cepoch=${chsk.clientEpoch}&cfrom=1`);
  });

  it("reports nothing on the first open, then recovered on the state and as chsk/recovery", () => {
    open();
    const seen = recoveries();
    WS.last.handshake("alice", null, GRANT(10));
    assert.equal("recovery" in chsk.state, false, "absent on the first open");
    assert.deepEqual(seen, []);
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&epoch=E1&seq=10&cepoch=${chsk.clientEpoch}&cfrom=1`);
    const states = recordStates(chsk);
    const events = recordEvents(chsk);
    WS.last.handshake("alice", null, GRANT(10, { recovered: true }));
    WS.last.receive(push([["x/n", 11]], { seq: 11 }));
    assert.deepEqual(chsk.state.recovery, { recovered: true });
    assert.deepEqual(states.at(-1).recovery, { recovered: true }, "set with the open itself");
    assert.equal(states.at(-1).openChanged, true);
    assert.deepEqual(seen, [{ recovered: true }]);
    assert.deepEqual(
      events.map(([id]) => id),
      ["chsk/handshake", "chsk/recovery", "x/n"],
      "after the handshake, before the events that follow",
    );
  });

  it("reports a gap on the handshake, with its count or as unknown, and never recovered unless told", () => {
    open();
    const seen = recoveries();
    WS.last.handshake("alice", null, GRANT(10));
    WS.last.fail();
    WS.last.handshake("alice", null, GRANT(90, { recovered: false, gap: 48 }));
    assert.deepEqual(chsk.state.recovery, { recovered: false, gap: 48 });
    WS.last.fail();
    assert.match(WS.last.url, /&epoch=E1&seq=90&cepoch=[\w-]{12}&cfrom=1$/);
    WS.last.handshake("alice", null, { ext: ["resume"], epoch: "E2", seq: 3, recovered: false, gap: null });
    assert.deepEqual(chsk.state.recovery, { recovered: false, gap: null });
    WS.last.fail();
    assert.match(WS.last.url, /&epoch=E2&seq=3&cepoch=[\w-]{12}&cfrom=1$/, "a new epoch: its own cursor");
    WS.last.handshake("alice", null, { ext: ["resume"], epoch: "E2", seq: 3 }); // no recovered: a fresh start
    WS.last.fail();
    WS.last.handshake("alice", null); // this server does not grant it any more
    assert.deepEqual(seen, [
      { recovered: false, gap: 48 },
      { recovered: false, gap: null },
      { recovered: false, gap: null },
      { recovered: false, gap: null },
    ]);
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`, "no cursor once not granted");
  });

  it("does not take recovered: true for a cursor the client did not send", () => {
    open();
    const seen = recoveries();
    WS.last.handshake("alice", null); // not granted: no cursor
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
    WS.last.handshake("alice", null, GRANT(10, { recovered: true }));
    WS.last.fail();
    assert.match(WS.last.url, /&epoch=E1&seq=10&cepoch=[\w-]{12}&cfrom=1$/);
    WS.last.handshake("alice", null, { ext: ["resume"], epoch: "E9", seq: 4, recovered: true });
    assert.deepEqual(seen, [
      { recovered: false, gap: null },
      { recovered: false, gap: null },
    ]);
    assert.deepEqual(chsk.state.recovery, { recovered: false, gap: null });
  });

  it("reports a gap inside a session, with its count or as unknown, and delivers what follows it", () => {
    open();
    const events = recordEvents(chsk);
    const states = recordStates(chsk);
    WS.last.handshake("alice", null, GRANT(10));
    WS.last.receive(push([], { seq: 20, gap: 10 }));
    assert.deepEqual(chsk.state.recovery, { recovered: false, gap: 10 });
    assert.equal(states.at(-1).openChanged, false);
    WS.last.receive(
      push(
        [
          ["x/n", 21],
          ["x/n", 22],
        ],
        { seq: 22, gap: null },
      ),
    );
    assert.deepEqual(
      events.filter(([id]) => id !== "chsk/handshake"),
      [
        ["chsk/recovery", { recovered: false, gap: 10 }],
        ["chsk/recovery", { recovered: false, gap: null }],
        ["x/n", 21],
        ["x/n", 22],
      ],
    );
    WS.last.fail();
    assert.match(WS.last.url, /&epoch=E1&seq=22&cepoch=[\w-]{12}&cfrom=1$/);
  });

  it("takes the server's cursor after a gap, even a lower one: nothing after it is dropped", async () => {
    open();
    const events = recordEvents(chsk);
    WS.last.handshake("alice", null, GRANT(50));
    WS.last.fail();
    // the server no longer has the cursor (from the future, say after it lost its log): a gap
    WS.last.handshake("alice", null, GRANT(7, { recovered: false, gap: null }));
    WS.last.receive(push([["x/n", 8]], { seq: 8 }));
    WS.last.receive(push([["x/n", 9]], { seq: 9, gap: 1 })); // a gap inside the session
    WS.last.receive(push([["x/n", 3]], { seq: 3, gap: null })); // and one that restarts the numbers
    WS.last.receive(push([["x/n", 4]], { seq: 4 }));
    assert.deepEqual(
      pushed(events).map(([, n]) => n),
      [8, 9, 3, 4],
    );
    WS.last.fail();
    assert.match(WS.last.url, /&epoch=E1&seq=4&cepoch=[\w-]{12}&cfrom=1$/);
  });

  it("Ajax: the cursor goes on the handshake and every poll; a poll answer sent again is dropped", async () => {
    open({ type: "ajax" });
    const events = recordEvents(chsk);
    assert.equal(gets().at(-1).params.seq, undefined, "no cursor before one is granted");
    fetch.last().respond(200, ajaxHandshake(GRANT(10)));
    await flush();
    assert.deepEqual(
      [gets().at(-1).params.epoch, gets().at(-1).params.seq, gets().at(-1).params["handshake?"]],
      ["E1", "10", undefined],
    );
    const answer = push(
      [
        ["x/n", 11],
        ["x/n", 12],
      ],
      { seq: 12 },
    );
    fetch.last().respond(200, answer);
    await flush();
    assert.equal(gets().at(-1).params.seq, "12");
    fetch.last().respond(200, answer); // the server sends again what a lost answer held
    await flush();
    fetch.last().respond(200, push([], { seq: 30, gap: 18 }));
    await flush();
    assert.equal(gets().at(-1).params.seq, "30");
    fetch.last().respond(503, "down");
    await flush();
    const handshake = gets().at(-1);
    assert.deepEqual(
      [handshake.params["handshake?"], handshake.params.epoch, handshake.params.seq],
      ["1", "E1", "30"],
    );
    handshake.respond(200, ajaxHandshake(GRANT(30, { recovered: true })));
    await flush();
    assert.deepEqual(
      events.filter(([id]) => id !== "chsk/handshake"),
      [
        ["x/n", 11],
        ["x/n", 12],
        ["chsk/recovery", { recovered: false, gap: 18 }],
        ["chsk/recovery", { recovered: true }],
      ],
    );
  });

  it("keeps the cursor across a change of transport: Ajax, then back to the WebSocket", async () => {
    open({ type: "auto" });
    const events = recordEvents(chsk);
    WS.last.fail(); // down to Ajax
    fetch.last().respond(200, ajaxHandshake(GRANT(3)));
    await flush();
    fetch.last().respond(
      200,
      push(
        [
          ["x/n", 4],
          ["x/n", 5],
        ],
        { seq: 5 },
      ),
    );
    await flush();
    mock.timers.tick(30_000); // the WebSocket is tried again
    const probe = WS.last;
    assert.equal(probe.url, `ws://h/chsk?client-id=c1&ext=resume&epoch=E1&seq=5&cepoch=${chsk.clientEpoch}&cfrom=1`);
    fetch.last().respond(
      200,
      push(
        [
          ["x/n", 6],
          ["x/n", 7],
        ],
        { seq: 7 },
      ),
    ); // Ajax goes on meanwhile
    await flush();
    probe.handshake("alice", null, GRANT(5, { recovered: true }));
    assert.equal(chsk.state.type, "ws");
    probe.receive(
      push(
        [
          ["x/n", 6],
          ["x/n", 7],
          ["x/n", 8],
        ],
        { seq: 8 },
      ),
    ); // 6 and 7 came over Ajax
    assert.deepEqual(
      pushed(events).map(([, n]) => n),
      [4, 5, 6, 7, 8],
    );
    assert.deepEqual(chsk.state.recovery, { recovered: true });
    probe.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&epoch=E1&seq=8&cepoch=${chsk.clientEpoch}&cfrom=1`);
  });

  it("ignores a grant it cannot read, and reports it", () => {
    const errors = [];
    open({ onError: (e) => errors.push(e) });
    WS.last.handshake("alice", null, { ext: ["resume"], epoch: 7, seq: "x" });
    WS.last.receive(push([["x/n", 1]], { seq: 1 }));
    WS.last.receive(push([["x/n", 1]], { seq: 1 }));
    assert.equal(chsk.state.open, true);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0].message), /resume/);
    WS.last.fail();
    assert.equal(WS.last.url, `ws://h/chsk?client-id=c1&ext=resume&cepoch=${chsk.clientEpoch}&cfrom=1`);
  });
});
