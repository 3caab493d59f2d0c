// The server goes away and comes back on the same port: open pages notice, wait, reconnect by
// themselves and handshake again. DemoBrowserTest runs the server (RESTART_URL) and a small control
// server (CONTROL_URL): POST /stop stops the demo server, POST /start starts a new one on the same
// port with the same CSRF key, so the pages' tokens stay valid. Each answers once it is done.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closes, demo, env, launch, newContext, openDemo, request, untilFlips, until, waitOpen } from "./support.mjs";

const RESTART_URL = env("RESTART_URL");
const CONTROL_URL = env("CONTROL_URL");

/**
 * Backoff: the first retry is immediate, the second waits 2-4 s, a third 4-8 s. One attempt that
 * hangs (a connection the stopping server's kernel had accepted, seen once on a loaded machine)
 * costs the handshake timeout too (keepAliveMs / 2 + pingTimeoutMs = 15 s): allow for that.
 */
const RECONNECT_MS = 30_000;

async function control(action) {
  const response = await fetch(`${CONTROL_URL}/${action}`, { method: "POST" });
  assert.equal(response.status, 204, `control ${action}: ${await response.text()}`);
}

describe("a server restart", () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  test("pages on WebSocket and on Ajax reconnect by themselves: open, closed, open", async () => {
    const context = await newContext(browser);
    const ws = await openDemo(context, `${RESTART_URL}/`);
    const ajax = await openDemo(context, `${RESTART_URL}/?type=ajax`);
    await waitOpen(ws, "ws");
    await waitOpen(ajax, "ajax");
    const pages = [ws, ajax];

    await control("stop");
    for (const page of pages) await untilFlips(page, 2);
    assert.equal(await ws.getAttribute("#status", "data-status"), "connecting");
    // A send made while the server is down is kept (at most 100, each within its own timeout) and
    // goes out once the page is open again, on both transports.
    for (const page of pages) {
      await page.evaluate(() => {
        window.keptEcho = window.demo.chsk.send("demo/echo", { kept: true }, { timeoutMs: 60_000 }).then(
          (value) => ({ ok: true, value }),
          (e) => ({ ok: false, outcome: e.outcome ?? null, message: String(e) }),
        );
      });
      assert.deepEqual(
        await demo(page, () => window.demo.chsk.pending().map(({ eventId, reply }) => [eventId, reply])),
        [["demo/echo", true]],
        `${page.url()} keeps the send while the server is down`,
      );
    }

    await control("start");
    for (const page of pages) {
      const flips = await untilFlips(page, 3, RECONNECT_MS).catch(async (e) => {
        const seen = await demo(page, () => window.demo.transitions);
        throw new Error(`${page.url()} did not reconnect; its state changes: ${JSON.stringify(seen)}`, { cause: e });
      });
      assert.deepEqual(flips, ["open", "closed", "open"]);
      assert.deepEqual(await demo(page, () => window.demo.handshakes.map((h) => h.first)), [true, false]);
      assert.equal((await closes(page)).length, 1);
      // Sente's backoff (first retry at once, then 2-4 s, 4-8 s ...): the first retry failed at once, the next one waited.
      const waits = await demo(page, () =>
        window.demo.transitions.filter((t) => t.nextReconnectAt !== null).map((t) => t.nextReconnectAt - t.at),
      );
      assert.ok(waits.length >= 1 && waits.every((ms) => ms > 0 && ms <= 30_000), `backoff waits: ${waits}`);
    }
    // A new server starts a new stream: the pages are told that they may have missed events, never
    // that they recovered.
    for (const page of pages) {
      assert.deepEqual(await demo(page, () => window.demo.recoveries), [{ recovered: false, gap: null }], page.url());
      assert.equal(await page.textContent("#fact-recovery"), "gap (unknown)");
    }
    assert.equal((await waitOpen(ws)).type, "ws", "a WebSocket that had opened never falls back to Ajax");
    assert.equal((await waitOpen(ajax)).type, "ajax");

    // The kept sends went out after the handshake and were answered by the new server.
    for (const page of pages) {
      assert.deepEqual(await page.evaluate(() => window.keptEcho), { ok: true, value: { kept: true } }, page.url());
      assert.deepEqual(await demo(page, () => window.demo.chsk.pending()), []);
    }

    // The new server accepts the pages' CSRF tokens, so events flow again on both transports.
    for (const page of pages) {
      const echoed = await request(page, "demo/echo", { after: "restart" }, 5000);
      assert.deepEqual(echoed.value, { after: "restart" });
    }
    await until(ws, () => window.demo.users.some((u) => u.anonymous && u.transports.join() === "ws,ajax"));
    for (const page of pages) assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
});
