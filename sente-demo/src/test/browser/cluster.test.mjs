// The cluster demo in headless Chromium: two demo nodes on one Redis behind a balancer that sends
// every HTTP request to the next node in turn (DemoBrowserTest starts it). Windows whose
// connections are on different nodes chat, over a WebSocket and over forced Ajax (whose every
// poll and POST lands on the next node).
//
// CLUSTER_URL: the balancer.

import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { click, demo, env, fill, launch, login, newContext, openDemo, until } from "./support.mjs";

const CLUSTER_URL = env("CLUSTER_URL");

describe("the cluster demo in headless Chromium", () => {
  let browser;
  const contexts = [];

  before(async () => {
    browser = await launch();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  after(async () => {
    await browser?.close();
  });

  async function context() {
    const c = await newContext(browser);
    contexts.push(c);
    return c;
  }

  const nodeOf = (page) => until(page, () => document.querySelector("#fact-node").textContent.startsWith("node") && document.querySelector("#fact-node").textContent);

  test("windows on two nodes chat, over a WebSocket and over forced Ajax with every request on the next node", async () => {
    const alice = await openDemo(await context(), `${CLUSTER_URL}`);
    await login(alice, "alice");
    const aliceNode = await nodeOf(alice);
    const bob = await openDemo(await context(), `${CLUSTER_URL}?type=ajax`);
    await login(bob, "bob");

    // carol's WebSocket on the node alice's is not on: each (re)connect lands where the balancer
    // says, so reconnect until it is the other node
    const carol = await openDemo(await context(), `${CLUSTER_URL}`);
    await login(carol, "carol");
    for (let i = 0; i < 6 && (await nodeOf(carol)) === aliceNode; i++) {
      const before = await demo(carol, () => window.demo.handshakes.length);
      await click(carol, "#btn-reconnect");
      await until(carol, (n) => window.demo.handshakes.length > n && window.demo.chsk.state.open, before);
    }
    assert.notEqual(await nodeOf(carol), aliceNode, "a reconnect reached the other node");
    assert.equal(await demo(carol, () => window.demo.chsk.state.userId), "carol");

    const pages = [alice, bob, carol];
    for (const p of pages) {
      await until(
        p,
        (want) => Object.entries(want).every(([id, t]) => window.demo.users.some((u) => u.id === id && u.transports.includes(t))),
        { alice: "ws", bob: "ajax", carol: "ws" },
      );
    }
    const lines = [
      [alice, "Hello from one node."],
      [bob, "Hello over Ajax, every request on the next node."],
      [carol, "Hello from the other node."],
    ];
    for (const [page, text] of lines) {
      await fill(page, "#chat-text", text);
      await click(page, "#btn-chat");
      for (const p of pages) await until(p, (t) => window.demo.chat.some((l) => l.text === t), text);
    }
    for (const p of pages) {
      const said = await demo(p, () => window.demo.chat.map((l) => `${l.user}: ${l.text}`));
      for (const [page, text] of lines) {
        const user = page === alice ? "alice" : page === bob ? "bob" : "carol";
        assert.equal(said.filter((l) => l === `${user}: ${text}`).length, 1, `once on every page: ${user}: ${text}`);
      }
      assert.deepEqual(p.pageErrors, [], "uncaught errors in the page");
    }
  });
});
