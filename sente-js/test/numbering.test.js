// The other direction of resume (docs/protocol.md, "Events a client sends"): where the server's
// grant carries a cseq, every send without a reply is numbered and kept until the server confirms
// it; after a reconnect the unconfirmed ones go out again, in order, before anything newer. An Ajax
// POST that got no good answer is posted again, with the same number.
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { connect, MAX_UNCONFIRMED } from "sente-js";
import { fakeFetch, fakeTime, fakeWebSocket, flush } from "../test-support/fakes.js";

const GRANT = (cseq, more = {}) => ({ ext: ["resume"], epoch: "E1", seq: 0, cseq, ...more });
const ajaxHandshake = (meta) => [["chsk/handshake", ["alice", null, null]], null, meta];

describe("numbered sends", () => {
  let WS;
  let fetch;
  let chsk;
  let errors;

  const open = (options = {}) =>
    (chsk = connect("/chsk", {
      host: "h",
      protocol: "http:",
      type: "ws",
      clientId: "c1",
      WebSocket: WS,
      fetch,
      onError: (e) => errors.push(e),
      ...options,
    }));

  /** What a fake WebSocket was sent, as frames, pings left out. */
  const sent = (ws) => ws.frames().filter((f) => f[0][0] !== "chsk/ws-ping");
  const posts = () => fetch.requests.filter((r) => r.method === "POST");
  const openPosts = () => fetch.open().filter((r) => r.method === "POST");
  const cseqOf = (post) => Number(post.params.cseq);

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

  describe("on WebSocket", () => {
    it("numbers sends without a reply in its meta, never a request; the URL names the numbering", () => {
      open();
      assert.match(chsk.clientEpoch, /^[\w-]{12}$/);
      assert.match(WS.last.url, new RegExp(`&cepoch=${chsk.clientEpoch}&cfrom=1$`));
      WS.last.handshake("alice", null, GRANT(0));
      chsk.send("x/a", 1);
      chsk.send("x/b", 2, { timeoutMs: 1_000 }).catch(() => {});
      chsk.send("x/c");
      const frames = sent(WS.last);
      assert.deepEqual(frames[0], [["x/a", 1], null, { cseq: 1 }]);
      assert.equal(frames[1].length, 2, "a request is not numbered");
      assert.equal(typeof frames[1][1], "string");
      assert.deepEqual(frames[2], [["x/c"], null, { cseq: 2 }]);
    });

    it("does not number without a grant, or with a grant that has no cseq", () => {
      open();
      WS.last.handshake("alice", null); // Sente's own server
      chsk.send("x/a", 1);
      WS.last.fail();
      WS.last.handshake("alice", null, { ext: ["resume"], epoch: "E1", seq: 0 });
      chsk.send("x/a", 2);
      assert.deepEqual(WS.instances[0].frames(), [[["x/a", 1], null]]);
      assert.deepEqual(WS.last.frames(), [[["x/a", 2], null]]);
    });

    it("sends what the server did not confirm again after a reconnect, in order, before kept sends", () => {
      open();
      WS.last.handshake("alice", null, GRANT(0));
      for (let i = 1; i <= 5; i++) chsk.send("x/n", i);
      WS.last.fail(); // the server handled 1 and 2 only
      chsk.send("x/n", 6); // kept while reconnecting
      assert.match(WS.last.url, /&cfrom=1$/, "the oldest unconfirmed number");
      WS.last.handshake("alice", null, GRANT(2));
      assert.deepEqual(sent(WS.last), [
        [["x/n", 3], null, { cseq: 3 }],
        [["x/n", 4], null, { cseq: 4 }],
        [["x/n", 5], null, { cseq: 5 }],
        [["x/n", 6], null, { cseq: 6 }],
      ]);
      WS.last.fail();
      assert.match(WS.last.url, /&cfrom=3$/, "1 and 2 are forgotten");
      WS.last.handshake("alice", null, GRANT(6));
      assert.deepEqual(sent(WS.last), [], "everything confirmed: nothing again");
      chsk.send("x/n", 7);
      assert.deepEqual(sent(WS.last), [[["x/n", 7], null, { cseq: 7 }]]);
    });

    it("a half-dead socket swallows sends; the keep-alive finds it, they go again", () => {
      open({ keepAliveMs: 2_000, pingTimeoutMs: 1_000 });
      WS.last.handshake("alice", null, GRANT(0));
      const first = WS.last;
      chsk.breakConnection({ closeWs: false });
      assert.equal(chsk.send("x/n", 1), true);
      mock.timers.tick(1_000); // ping
      mock.timers.tick(1_000); // no pong: dropped
      assert.notEqual(WS.last, first);
      WS.last.handshake("alice", null, GRANT(0));
      assert.deepEqual(sent(WS.last), [[["x/n", 1], null, { cseq: 1 }]]);
    });

    it("pings after every 100 numbered sends; the pong's cseq confirms, and that pong is not reported", () => {
      open();
      WS.last.handshake("alice", null, GRANT(0));
      for (let i = 1; i <= 100; i++) chsk.send("x/n", i);
      const pings = WS.last.frames().filter((f) => f[0][0] === "chsk/ws-ping");
      assert.equal(pings.length, 1);
      assert.equal(WS.last.frames().at(-1)[0][0], "chsk/ws-ping", "right after the 100th");
      WS.last.receive(["pong", pings[0][1], { cseq: 90 }]);
      assert.deepEqual(errors, []);
      WS.last.fail();
      assert.match(WS.last.url, /&cfrom=91$/);
      WS.last.handshake("alice", null, GRANT(90));
      assert.deepEqual(
        sent(WS.last).map((f) => f[2].cseq),
        Array.from({ length: 10 }, (_, i) => 91 + i),
      );
    });

    it(`refuses a send while ${MAX_UNCONFIRMED} wait for their confirmation, and reports it`, () => {
      open();
      WS.last.handshake("alice", null, GRANT(0));
      for (let i = 1; i <= MAX_UNCONFIRMED; i++) assert.equal(chsk.send("x/n", i), true);
      assert.equal(chsk.send("x/n", 0), false);
      assert.match(String(errors.at(-1)?.message), /1000 sent events wait/);
      const ping = WS.last.frames().filter((f) => f[0][0] === "chsk/ws-ping").at(-1);
      WS.last.receive(["pong", ping[1], { cseq: MAX_UNCONFIRMED }]);
      assert.equal(chsk.send("x/n", 1_001), true, "room again once confirmed");
      assert.deepEqual(WS.last.frames().at(-1), [["x/n", 1_001], null, { cseq: 1_001 }]);
    });

    it("sends the unconfirmed ones once more, unnumbered, when the server stops granting", () => {
      open();
      WS.last.handshake("alice", null, GRANT(0));
      chsk.send("x/n", 1);
      WS.last.fail();
      WS.last.handshake("alice", null); // a server without resume now
      assert.deepEqual(WS.last.frames(), [[["x/n", 1], null]]);
      WS.last.fail();
      WS.last.handshake("alice", null);
      assert.deepEqual(WS.last.frames(), [], "and then forgets them");
    });
  });

  describe("on Ajax", () => {
    const handshake = async (meta) => {
      fetch.open().find((r) => r.method === "GET").respond(200, ajaxHandshake(meta));
      await flush();
    };

    it("posts a numbered send with ext=resume, cepoch and cseq; the 200 confirms it", async () => {
      open({ type: "ajax" });
      assert.equal(fetch.last().params.cepoch, chsk.clientEpoch, "every GET names the numbering");
      assert.equal(fetch.last().params.cfrom, "1");
      await handshake(GRANT(0));
      chsk.send("x/a", 1);
      const post = posts()[0];
      assert.equal(post.url, `http://h/chsk?ext=resume&cepoch=${chsk.clientEpoch}&cseq=1`);
      assert.equal(post.form.ppstr, '[["x/a",1],null]');
      post.respond(200, ["chsk/dummy-cb-200", null]);
      await flush();
      chsk.send("x/b", 2);
      assert.equal(cseqOf(posts()[1]), 2);
      fetch.open().find((r) => r.method === "GET").respond(200, ["chsk/timeout", null]);
      await flush();
      assert.equal(fetch.last().params.cfrom, "2", "the next poll: 1 is confirmed");
    });

    it("keeps at most 16 numbered POSTs in flight, none 16 past the oldest unconfirmed", async () => {
      open({ type: "ajax" });
      await handshake(GRANT(0));
      for (let i = 1; i <= 20; i++) chsk.send("x/n", i);
      assert.deepEqual(openPosts().map(cseqOf), Array.from({ length: 16 }, (_, i) => i + 1));
      openPosts()[1].respond(200, ["chsk/dummy-cb-200", null]); // 2 done, 1 still out
      await flush();
      assert.equal(openPosts().length, 15, "17 is 16 past 1: it waits");
      openPosts()[0].respond(200, ["chsk/dummy-cb-200", null]); // 1 done: oldest is 3
      await flush();
      assert.deepEqual(openPosts().map(cseqOf).slice(-2), [17, 18]);
    });

    it("posts again after 250 ms, same number, on 429, a 5xx, a failure or no answer in time", async () => {
      open({ type: "ajax", ajaxTimeoutMs: 5_000 });
      await handshake(GRANT(0));
      for (let i = 1; i <= 4; i++) chsk.send("x/n", i);
      const [a, b, c] = openPosts();
      a.respond(429, "");
      b.respond(503, "");
      c.fail();
      await flush();
      assert.equal(openPosts().length, 1);
      mock.timers.tick(249);
      assert.equal(openPosts().length, 1);
      mock.timers.tick(1);
      await flush();
      assert.deepEqual(openPosts().map(cseqOf).sort(), [1, 2, 3, 4]);
      mock.timers.tick(5_000); // none answers: each is timed out
      await flush();
      mock.timers.tick(250);
      await flush();
      assert.deepEqual(openPosts().map(cseqOf).sort(), [1, 2, 3, 4]);
      assert.equal(posts().length, 11, "1, 2 and 3 three times, 4 twice");
      assert.deepEqual(errors, []);
    });

    it("drops a numbered send the server refuses (400) and reports it", async () => {
      open({ type: "ajax" });
      await handshake(GRANT(0));
      chsk.send("x/n", 1);
      openPosts()[0].respond(400, "bad");
      await flush();
      mock.timers.tick(1_000);
      await flush();
      assert.equal(posts().length, 1, "not posted again");
      assert.match(String(errors.at(-1)?.message), /refused x\/n with HTTP 400/);
    });

    it("sends the unconfirmed ones again after a reconnect, those after the handshake's cseq", async () => {
      open({ type: "ajax" });
      await handshake(GRANT(0));
      for (let i = 1; i <= 3; i++) chsk.send("x/n", i);
      fetch.open().find((r) => r.method === "GET").fail(); // the poll breaks: a new connection
      await flush();
      assert.equal(fetch.last().params.cfrom, "1");
      const before = posts().length;
      await handshake(GRANT(1));
      assert.deepEqual(posts().slice(before).map(cseqOf), [2, 3]);
    });

    it("moves the unconfirmed ones to the WebSocket when auto mode moves back to it", async () => {
      WS = fakeWebSocket();
      open({ type: "auto", wsRetryMs: 1_000 });
      WS.last.fail(); // no WebSocket: Ajax
      await handshake(GRANT(0));
      chsk.send("x/n", 1);
      chsk.send("x/n", 2);
      openPosts()[0].respond(200, ["chsk/dummy-cb-200", null]);
      await flush();
      mock.timers.tick(1_000);
      const probe = WS.last;
      assert.match(probe.url, /&cfrom=2$/);
      probe.handshake("alice", null, GRANT(1));
      assert.equal(chsk.state.type, "ws");
      assert.deepEqual(sent(probe), [[["x/n", 2], null, { cseq: 2 }]]);
    });
  });
});
