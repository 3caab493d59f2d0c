// The Ajax transport with Node's real fetch against a small HTTP server on an ephemeral port that
// answers like a Sente endpoint. (Tests against the real Java server live with the server.)
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "sente-js";

describe("Ajax over real HTTP", () => {
  let server;
  let host;
  const held = []; // long-polls waiting for a push
  const seen = []; // every request: { method, url, headers, form }

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        const url = new URL(req.url, "http://x");
        const form = Object.fromEntries(new URLSearchParams(body));
        seen.push({ method: req.method, url, headers: req.headers, form });
        if (req.method === "POST") {
          const [[id, data], marker] = JSON.parse(form.ppstr);
          res.end(
            JSON.stringify(marker === "ajax" ? [{ id, echo: data }, null] : ["chsk/dummy-cb-200", null]),
          );
        } else if (url.searchParams.has("handshake?")) {
          res.end(JSON.stringify([["chsk/handshake", ["alice", null, { v: 1 }]], null]));
        } else {
          held.push(res);
        }
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${server.address().port}`;
  });

  let chsk = null;

  // A failed assertion must not leave the client polling and the server holding its poll.
  after(() => {
    chsk?.disconnect();
    for (const res of held) res.destroy();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  const until = (chsk, predicate) =>
    new Promise((resolve) => {
      if (predicate(chsk.state)) resolve(chsk.state);
      const off = chsk.onState((s) => predicate(s) && (off(), resolve(s)));
    });

  const waitFor = async (predicate) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(predicate(), "timed out waiting");
  };

  it("handshakes, long-polls, receives a push, sends with and without a reply, and disconnects", async () => {
    chsk = connect("/chsk", { host, type: "ajax", csrfToken: "tok", params: { room: "r 1" } });
    const state = await until(chsk, (s) => s.open);
    assert.equal(state.userId, "alice");
    assert.deepEqual(state.handshakeData, { v: 1 });

    const first = seen[0];
    assert.equal(first.method, "GET");
    assert.equal(first.url.searchParams.get("room"), "r 1");
    assert.equal(first.url.searchParams.get("client-id"), chsk.clientId);
    assert.equal(first.url.searchParams.get("handshake?"), "1");
    assert.equal(first.url.searchParams.get("ext"), "resume");
    assert.equal(first.headers["x-csrf-token"], "tok");

    await waitFor(() => held.length === 1);
    const pushed = new Promise((resolve) => chsk.on("chat/msg", resolve));
    held.shift().end(JSON.stringify([[["chat/msg", { text: "hi" }]], null]));
    assert.deepEqual(await pushed, { text: "hi" });
    await waitFor(() => held.length === 1);

    const reply = await chsk.send("chat/send", { text: "é & ok" }, { timeoutMs: 2_000 });
    assert.deepEqual(reply, { id: "chat/send", echo: { text: "é & ok" } });
    const post = seen.find((r) => r.method === "POST");
    assert.equal(post.url.pathname, "/chsk");
    assert.equal(post.url.search, "?ext=resume", "no user params on POSTs");
    assert.equal(post.headers["content-type"], "application/x-www-form-urlencoded;charset=UTF-8");
    assert.equal(post.headers["x-csrf-token"], "tok");
    assert.equal(post.form["client-id"], chsk.clientId);

    assert.equal(chsk.send("chat/typing", "ann"), true);
    await waitFor(() => seen.filter((r) => r.method === "POST").length === 2);
    assert.equal(seen.at(-1).form.ppstr, '[["chat/typing","ann"],null]');

    const poll = held[0];
    const pollClosed = new Promise((resolve) => poll.on("close", resolve));
    chsk.disconnect();
    await pollClosed; // the held poll's request was aborted
    assert.equal(chsk.state.lastClose.reason, "requested-disconnect");
    held.length = 0;
  });
});
