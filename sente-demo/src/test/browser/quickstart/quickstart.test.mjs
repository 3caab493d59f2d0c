// The README's quick start in headless Chromium: its page, served by its ChatServer (QuickStartTest
// compiles and starts both, as the README has them), says "hi" and gets the chat line back.
//
// QUICKSTART_URL: where the README's ChatServer listens.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { WAIT_MS, env, launch, newContext } from "../support.mjs";

const QUICKSTART_URL = env("QUICKSTART_URL");

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the README's page, opened at once, says hi and sees the line come back", async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const logs = [];
    const errors = [];
    page.on("console", (message) => logs.push(message.text()));
    page.on("pageerror", (error) => errors.push(String(error)));
    const logged = (text) =>
      page.waitForEvent("console", { predicate: (m) => m.text() === text, timeout: WAIT_MS });
    const failed = page.waitForEvent("pageerror", { timeout: WAIT_MS }).then(
      (error) => Promise.reject(new Error(`the page failed: ${error}`)),
      () => new Promise(() => {}), // no error in time: the other waits decide
    );
    const seen = Promise.all([logged("open (ws)"), logged("line: hi"), logged("saved: true")]);
    const outcome = Promise.race([seen, failed]); // handled before anything can reject
    await page.goto(QUICKSTART_URL);
    await outcome;
    assert.deepEqual(errors, [], "uncaught errors in the page");
    assert.deepEqual(
      logs.filter((text) => /^(open|closed|line:|saved:)/.test(text)).sort(),
      ["line: hi", "open (ws)", "saved: true"],
    );
  } finally {
    await context.close();
  }
});
