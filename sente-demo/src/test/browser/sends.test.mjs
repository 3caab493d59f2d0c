// The other direction of "nothing lost": the page sends 500 numbered events ("Send 500", 50 a
// second) while the network throws away what the browser sends and then fails, three times; the
// server counts what its handler got. DemoBrowserTest runs the demo behind a TCP proxy (PROXY_URL)
// and a control server (PROXY_CONTROL_URL): POST /drop?ms=N drops every byte towards the server for
// N ms, then resets the connections that lost bytes; GET /stats says how many bytes were dropped.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { click, demo, env, launch, login, newContext, openDemo, until, waitOpen } from "./support.mjs";

const PROXY_URL = env("PROXY_URL");
const PROXY_CONTROL_URL = env("PROXY_CONTROL_URL");
const DROP_MS = 400;

async function bytesDropped() {
  const response = await fetch(`${PROXY_CONTROL_URL}/stats`);
  assert.equal(response.status, 200);
  return (await response.json()).bytesDropped;
}

async function drop(ms) {
  const response = await fetch(`${PROXY_CONTROL_URL}/drop?ms=${ms}`, { method: "POST" });
  assert.equal(response.status, 204, await response.text());
}

describe("events the page sends through a failing network", () => {
  let browser;

  before(async () => {
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  for (const type of ["ws", "ajax"]) {
    test(`over ${type}: 500 numbered sends through 3 lossy failures reach the server once each, in order`, async () => {
      const page = await openDemo(await newContext(browser), `${PROXY_URL}/?type=${type}`);
      await login(page, `sender-${type}`);
      const dropped = await bytesDropped();

      await click(page, "#btn-tally");
      for (let d = 0; d < 3; d++) {
        // each failure lands while sends flow: after some more have been sent since the last one
        const sent = await demo(page, () => window.demo.tally.sent);
        await until(page, (n) => window.demo.tally.sent >= n + 60, sent);
        await drop(DROP_MS);
        await until(page, (n) => window.demo.tally.sent >= n + 60 + 15, sent); // sent into the drop
        await waitOpen(page, type);
      }
      const tally = await until(page, () => window.demo.tally.server?.received >= 500 && window.demo.tally, undefined, 30_000);
      assert.ok((await bytesDropped()) > dropped, "the network did throw sends away");
      assert.equal(tally.sent, 500);
      assert.equal(tally.refused, 0);
      assert.deepEqual(
        tally.server,
        { n: 500, received: 500, repeated: 0, outOfOrder: 0, missing: 0 },
        "the server's handler got 0..499, each once, in order",
      );
      assert.equal(await page.textContent("#tally-status"), "500 / 500, nothing lost");
      assert.deepEqual(page.pageErrors, []);
    });
  }
});
