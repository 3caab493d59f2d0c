// The demo page and the browser client, driven for real in headless Chromium against the Java
// demo server (DemoBrowserTest starts it). Each test opens its own browser context, so its own
// cookies and session.
//
// DEMO_URL: the demo; FALLBACK_URL: the demo refusing WebSocket upgrades; LONG_POLL_TIMEOUT_MS:
// the servers' long-poll (and Ajax reply) timeout; SCREENSHOT_PATH: where the screenshot goes.

import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  NIL_UID,
  click,
  fill,
  demo,
  env,
  launch,
  login,
  newContext,
  openDemo,
  closes,
  openFlips,
  request,
  until,
  untilFlips,
  waitOpen,
} from "./support.mjs";

const DEMO_URL = env("DEMO_URL");
const FALLBACK_URL = env("FALLBACK_URL");
const LONG_POLL_TIMEOUT_MS = Number(env("LONG_POLL_TIMEOUT_MS"));
const SCREENSHOT_PATH = env("SCREENSHOT_PATH");

describe("the demo in headless Chromium", () => {
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

  function noPageErrors(...pages) {
    for (const page of pages) assert.deepEqual(page.pageErrors, [], "uncaught errors in the page");
  }

  test("over a WebSocket the page opens, handshakes as its first open, and a send with reply gets the echo", async () => {
    const page = await openDemo(await context(), `${DEMO_URL}/?type=ws`);

    const state = await waitOpen(page, "ws");
    assert.equal(state.userId, null, "anonymous before logging in");
    const opened = await demo(page, () => window.demo.transitions.filter((t) => t.open));
    assert.equal(opened.length, 1);
    assert.equal(opened[0].firstOpen, true);
    assert.deepEqual(await demo(page, () => window.demo.handshakes), [{ uid: NIL_UID, first: true }]);
    assert.equal(await page.getAttribute("#status", "data-status"), "open");
    assert.equal(await page.textContent("#status-text"), "Online · WebSocket");

    await click(page, "#btn-echo");
    assert.deepEqual(await until(page, () => window.demo.lastEcho), { text: "ping", n: 1 });
    const echoed = await request(page, "demo/echo", { nested: { list: [1, 2.5, "three", null, true] } }, 5000);
    assert.deepEqual(echoed.value, { nested: { list: [1, 2.5, "three", null, true] } });

    await click(page, "#btn-send");
    const logged = await until(page, () => window.demo.log.find((e) => e.id === "demo/hello"));
    assert.match(logged.text, /no reply asked/);

    const users = await until(page, () => window.demo.users.find((u) => u.anonymous && u.transports.includes("ws")));
    assert.equal(users.name, "anonymous");
    noPageErrors(page);
  });

  test("over forced Ajax the page never tries a WebSocket; replies, pushes and every reply outcome work", async () => {
    const page = await openDemo(await context(), `${DEMO_URL}/?type=ajax`);

    await waitOpen(page, "ajax");
    assert.equal(await page.textContent("#status-text"), "Online · Ajax");
    await click(page, "#btn-echo");
    assert.deepEqual(await until(page, () => window.demo.lastEcho), { text: "ping", n: 1 });

    await click(page, "#btn-rapid");
    const pushes = await until(page, () => window.demo.fastPushes.length === 100 && window.demo.fastPushes);
    assert.deepEqual(pushes, [...Array(100).keys()], "100 pushes, numbered 0..99, in order");
    assert.equal(await page.textContent("#fast-count"), "100 / 100");

    const late = await request(page, "demo/slow-echo", { delayMs: 1500 }, 300);
    assert.equal(late.outcome, "chsk/timeout", "the client's own reply timeout");
    const failed = await request(page, "demo/fail", {}, 5000);
    assert.equal(failed.outcome, "chsk/error", "a handler that throws");
    const serverTimeout = await request(page, "demo/slow-echo", { delayMs: 20_000 }, 30_000);
    assert.equal(serverTimeout.outcome, "chsk/timeout", "the server's Ajax reply timeout");
    assert.ok(
      serverTimeout.ms >= LONG_POLL_TIMEOUT_MS - 200 && serverTimeout.ms < LONG_POLL_TIMEOUT_MS + 5000,
      `answered by the server after its ${LONG_POLL_TIMEOUT_MS} ms timeout, took ${serverTimeout.ms} ms`,
    );

    // Polls outlive the server's long-poll timeout: the page stays open and is still reachable.
    await click(page, "#btn-echo");
    assert.deepEqual(await until(page, () => window.demo.lastEcho?.n === 2 && window.demo.lastEcho), { text: "ping", n: 2 });
    const types = await demo(page, () => [...new Set(window.demo.transitions.map((t) => t.type))]);
    assert.deepEqual(types, ["ajax"]);
    assert.deepEqual(await openFlips(page), ["open"]);
    noPageErrors(page);
  });

  test("in auto mode the page falls back to Ajax when the server refuses WebSocket upgrades", async () => {
    const page = await openDemo(await context(), `${FALLBACK_URL}/`);

    const state = await waitOpen(page, "ajax");
    assert.equal(state.everOpened, true);
    const reasons = await demo(page, () => window.demo.transitions.map((t) => t.reason));
    assert.ok(reasons.includes("downgrading-ws-to-ajax"), `reasons: ${reasons}`);
    const handshakes = await demo(page, () => window.demo.handshakes);
    assert.deepEqual(handshakes, [{ uid: NIL_UID, first: true }]);

    await click(page, "#btn-echo");
    assert.deepEqual(await until(page, () => window.demo.lastEcho), { text: "ping", n: 1 });
    await login(page, "dora");
    const relogged = await waitOpen(page, "ajax");
    assert.equal(relogged.userId, "dora", "after the login the reconnect falls back again and carries the user");
    noPageErrors(page);
  });

  test("over a WebSocket a late reply times out on the client and a failing handler gives chsk/error", async () => {
    const page = await openDemo(await context(), `${DEMO_URL}/?type=ws`);

    const late = await request(page, "demo/slow-echo", { delayMs: 1500 }, 300);
    assert.equal(late.outcome, "chsk/timeout");
    assert.ok(late.ms < 1400, `the client gave up after its 300 ms, took ${late.ms} ms`);
    const failed = await request(page, "demo/fail", {}, 5000);
    assert.equal(failed.outcome, "chsk/error");
    assert.equal(failed.name, "SenteFailedError");

    await click(page, "#btn-slow");
    const error = await until(page, () => window.demo.lastError?.eventId === "demo/slow-echo" && window.demo.lastError);
    assert.equal(error.outcome, "chsk/timeout");
    noPageErrors(page);
  });

  test("after disconnect a send fails at once with chsk/closed and sends nothing; reconnect opens again", async () => {
    const page = await openDemo(await context(), `${DEMO_URL}/?type=ws`);

    await click(page, "#btn-disconnect");
    await until(page, () => window.demo.chsk.state.stopped && !window.demo.chsk.state.open);
    assert.equal(await page.getAttribute("#status", "data-status"), "stopped");
    const closed = await request(page, "demo/echo", { n: 1 }, 5000);
    assert.equal(closed.outcome, "chsk/closed");
    assert.ok(closed.ms < 1000, `rejected at once, took ${closed.ms} ms`);
    assert.equal(await demo(page, () => window.demo.chsk.send("demo/hello", 1)), false);

    await click(page, "#btn-reconnect");
    await waitOpen(page, "ws");
    assert.deepEqual(await openFlips(page), ["open", "closed", "open"]);
    const handshakes = await demo(page, () => window.demo.handshakes.map((h) => h.first));
    assert.deepEqual(handshakes, [true, false], "only the first handshake is the first");
    const reasons = await demo(page, () => window.demo.transitions.map((t) => t.reason));
    assert.ok(reasons.includes("requested-disconnect"), `reasons: ${reasons}`);
    noPageErrors(page);
  });

  test("a broken connection and the server closing a user's connections both reconnect by themselves", async () => {
    const c = await context();
    const page = await openDemo(c, `${DEMO_URL}/?type=ws`);
    await login(page, "carol");
    const second = await openDemo(c, `${DEMO_URL}/?type=ws`);
    assert.equal((await waitOpen(second, "ws")).userId, "carol", "the second tab shares the session");
    assert.deepEqual(await openFlips(page), ["open", "closed", "open"], "the login's reconnect");

    await click(page, "#btn-break");
    await untilFlips(page, 5);
    assert.deepEqual((await closes(page)).at(-1), { reason: "clean", code: 3000, status: null });
    assert.equal((await waitOpen(page, "ws")).userId, "carol");

    // Sente's [:chsk/close]: sente.disconnect("carol") closes both tabs' sockets; both come back.
    await click(page, "#btn-kick");
    assert.deepEqual(await untilFlips(page, 7), ["open", "closed", "open", "closed", "open", "closed", "open"]);
    assert.deepEqual(await untilFlips(second, 3), ["open", "closed", "open"]);
    for (const p of [page, second]) {
      assert.deepEqual((await closes(p)).at(-1), { reason: "clean", code: 1000, status: null });
      assert.equal((await waitOpen(p, "ws")).userId, "carol");
      assert.deepEqual(await demo(p, () => window.demo.handshakes.at(-1)), { uid: "carol", first: false });
    }
    await click(page, "#btn-echo");
    assert.deepEqual(await until(page, () => window.demo.lastEcho), { text: "ping", n: 1 });
    noPageErrors(page, second);
  });

  for (const type of ["ws", "ajax"]) {
    test(`over ${type} "Break connection" during 500 numbered pushes loses, repeats and reorders none, and the page shows it recovered`, async () => {
      const page = await openDemo(await context(), `${DEMO_URL}/?type=${type}`);
      await login(page, `counter-${type}`);
      const recoveriesBefore = await demo(page, () => window.demo.recoveries.length);
      const flipsBefore = (await openFlips(page)).length;

      await click(page, "#btn-count");
      const breaks = 3;
      for (let b = 0; b < breaks; b++) {
        // each break lands while pushes flow: after some more have arrived since the last reopen
        const seen = await demo(page, () => window.demo.count.received.length);
        await until(page, (n) => window.demo.count.received.length >= n + 40, seen);
        await click(page, "#btn-break");
        await untilFlips(page, flipsBefore + 2 * (b + 1));
        await waitOpen(page, type);
      }
      const count = await until(page, () => window.demo.count.received.length >= 500 && window.demo.count, undefined, 30_000);
      assert.deepEqual(count.received, [...Array(500).keys()], "0..499, each once, in order");
      assert.equal(count.repeated, 0);
      assert.equal(await page.textContent("#count-status"), "500 / 500, nothing lost");

      const recoveries = (await demo(page, () => window.demo.recoveries)).slice(recoveriesBefore);
      assert.equal(recoveries.length, breaks, `one report per reopen: ${JSON.stringify(recoveries)}`);
      assert.ok(recoveries.every((r) => r.recovered === true), JSON.stringify(recoveries));
      assert.equal(await page.textContent("#fact-recovery"), "recovered");
      assert.equal((await demo(page, () => window.demo.chsk.state.recovery)).recovered, true);
      noPageErrors(page);
    });
  }

  test("two users in two contexts: a push reaches every tab of its user and no one else; the chat reaches all", async () => {
    const aliceContext = await context();
    const alice1 = await openDemo(aliceContext, `${DEMO_URL}/`);
    await login(alice1, "alice");
    const alice2 = await openDemo(aliceContext, `${DEMO_URL}/`);
    assert.equal((await waitOpen(alice2)).userId, "alice");
    const bob = await openDemo(await context(), `${DEMO_URL}/?type=ajax`);
    await login(bob, "bob");
    const pages = [alice1, alice2, bob];

    for (const p of pages) {
      await until(
        p,
        (want) => Object.entries(want).every(([id, t]) => window.demo.users.some((u) => u.id === id && u.transports.includes(t))),
        { alice: "ws", bob: "ajax" },
      );
    }

    await click(alice1, "#btn-rapid");
    for (const p of [alice1, alice2]) {
      const pushes = await until(p, () => window.demo.fastPushes.length === 100 && window.demo.fastPushes);
      assert.deepEqual(pushes, [...Array(100).keys()]);
    }
    await click(bob, "#btn-rapid");
    await until(bob, () => window.demo.fastPushTotal === 100);
    // Anything misrouted to alice would have come on her WebSockets well before bob's Ajax batch.
    await request(alice1, "demo/echo", "flush", 5000);
    await request(alice2, "demo/echo", "flush", 5000);
    for (const p of pages) assert.equal(await demo(p, () => window.demo.fastPushTotal), 100);

    await fill(alice1, "#chat-text", "Hi Bob! A push reaches every tab of a user.");
    await click(alice1, "#btn-chat");
    for (const p of pages) await until(p, () => window.demo.chat.some((l) => l.user === "alice"));
    await until(alice1, () => document.querySelector("#chat-text").value === ""); // cleared on the reply
    await fill(bob, "#chat-text", "Hi Alice. I am on Ajax long-polling, you are on a WebSocket.");
    await bob.bringToFront();
    await bob.press("#chat-text", "Enter");
    for (const p of pages) {
      const lines = await until(p, () => window.demo.chat.at(-1)?.user === "bob" && window.demo.chat.map((l) => `${l.user}: ${l.text}`));
      assert.deepEqual(lines.slice(-2), [
        "alice: Hi Bob! A push reaches every tab of a user.",
        "bob: Hi Alice. I am on Ajax long-polling, you are on a WebSocket.",
      ]);
    }
    for (const [p, me] of [
      [alice2, "alice"],
      [bob, "bob"],
    ]) {
      const [mine, own] = await demo(p, (u) => [
        document.querySelectorAll(".chat-line.mine").length,
        window.demo.chat.filter((l) => l.user === u).length,
      ], me);
      assert.ok(own >= 1 && mine === own, `${me}'s own lines are marked as theirs: ${mine} of ${own}`);
    }

    // The broadcast loop reaches everyone; turning it off reaches everyone too.
    await click(alice1, "#btn-broadcast");
    for (const p of pages) await until(p, () => window.demo.broadcasting && window.demo.broadcasts >= 2);
    await click(bob, "#btn-broadcast");
    for (const p of pages) await until(p, () => !window.demo.broadcasting);

    // The screenshot: alice's window once only alice and bob are connected (earlier tests' users
    // leave after their reconnect grace).
    await fill(alice1, "#chat-text", "Rapid push: 100 events, in order, on both of my tabs.");
    await click(alice1, "#btn-chat");
    await until(alice1, () => window.demo.chat.at(-1)?.text.startsWith("Rapid push"));
    await click(alice1, "#btn-echo");
    await until(alice1, () => window.demo.lastEcho);
    await until(alice1, () => window.demo.users.map((u) => u.id).join() === "alice,bob", null, 20_000).catch(async (e) => {
      throw new Error(`users: ${JSON.stringify(await demo(alice1, () => window.demo.users))}`, { cause: e });
    });
    mkdirSync(dirname(SCREENSHOT_PATH), { recursive: true });
    await alice1.bringToFront();
    await alice1.mouse.move(0, 0);
    await alice1.evaluate(() => document.activeElement?.blur());
    await alice1.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    noPageErrors(...pages);
  });
});
