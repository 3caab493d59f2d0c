// Shared helpers of the browser tests: launching Debian's Chromium through playwright-core, opening
// the demo page, and waiting on the page's own record of what happened (`window.demo`).
//
// The tests run from DemoBrowserTest (Maven's test phase), which starts the demo servers and passes
// their addresses in environment variables. playwright-core never downloads a browser: it drives
// /usr/bin/chromium (override with CHROMIUM_PATH).

import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Chromium's flags for the tests; playwright adds a fresh temporary --user-data-dir of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** How long one condition may take to come true. */
export const WAIT_MS = 10_000;

export const NIL_UID = "sente/nil-uid";

/** An environment variable the Java side must set. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests from DemoBrowserTest (mvn verify)`);
  return value;
}

/**
 * Launches headless Chromium. Its profile lives in a fresh temporary directory (playwright makes
 * it and passes it as --user-data-dir; it refuses the flag in `args`); the downloads and traces go
 * to another fresh directory, removed on close.
 */
export async function launch() {
  const scratch = mkdtempSync(join(tmpdir(), "sente-demo-chromium-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    downloadsPath: scratch,
    tracesDir: scratch,
    timeout: 30_000,
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
  return browser;
}

/** A fresh browser context: its own cookies, so its own session and CSRF cookie. */
export function newContext(browser) {
  return browser.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US" });
}

/**
 * Opens the demo page and waits for its socket to open. Uncaught page errors are collected on
 * `page.pageErrors`; the tests assert there are none.
 */
export async function openDemo(context, url) {
  const page = await context.newPage();
  page.pageErrors = [];
  page.on("pageerror", (error) => page.pageErrors.push(String(error)));
  await page.goto(url);
  await waitOpen(page);
  return page;
}

/** Waits until `fn(arg)`, evaluated in the page, is truthy; returns its value. */
export async function until(page, fn, arg, timeout = WAIT_MS) {
  const handle = await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  const value = await handle.jsonValue();
  await handle.dispose();
  return value;
}

/** Waits until the page's socket is open (optionally on a transport); returns its state. */
export function waitOpen(page, type, timeout = WAIT_MS) {
  return until(
    page,
    (t) => {
      const s = window.demo?.chsk?.state;
      return s && s.open && (!t || s.type === t) ? s : null;
    },
    type ?? null,
    timeout,
  );
}

/**
 * Clicks an element like a user: brings the page's tab to the front first. (Playwright waits for
 * animation frames before a click, and a background tab has none to spare.)
 */
export async function click(page, selector) {
  await page.bringToFront();
  await page.click(selector);
}

/** Types into an input of the page, in front. */
export async function fill(page, selector, text) {
  await page.bringToFront();
  await page.fill(selector, text);
}

/** Logs in through the page's form and waits for the reconnect that carries the new user id. */
export async function login(page, userId) {
  await fill(page, "#user-id", userId);
  await click(page, "#btn-login");
  await until(page, (u) => window.demo.chsk.state.open && window.demo.chsk.state.userId === u, userId);
}

/** Reads a value from the page's `window.demo`. */
export function demo(page, fn, arg) {
  return page.evaluate(fn, arg);
}

/**
 * Waits until the page has flipped `open` at least `count` times, then returns the flips in order
 * from its first open, e.g. `["open", "closed", "open"]`, read from `window.demo.transitions`.
 */
export function untilFlips(page, count, timeout = WAIT_MS) {
  return until(
    page,
    (n) => {
      const flips = [];
      for (const t of window.demo.transitions) {
        if (flips.length === 0 ? t.open : flips.at(-1) !== t.open) flips.push(t.open);
      }
      return flips.length >= n && flips.map((open) => (open ? "open" : "closed"));
    },
    count,
    timeout,
  );
}

/** The page's flips of `open` so far (see untilFlips). */
export function openFlips(page) {
  return untilFlips(page, 0);
}

/** The closes the page saw (state changes that flipped `open` to false): `{ reason, code, status }`. */
export function closes(page) {
  return page.evaluate(() =>
    window.demo.transitions
      .filter((t, i, all) => !t.open && i > 0 && all[i - 1].open)
      .map(({ reason, code, status }) => ({ reason, code, status })),
  );
}

/**
 * Sends an event from the page's socket and waits for the reply; returns `{ ok, value }` or
 * `{ ok: false, outcome, name }`, with `ms`, the time it took.
 */
export function request(page, eventId, data, timeoutMs) {
  return page.evaluate(
    async ([id, d, t]) => {
      const started = performance.now();
      try {
        const value = await window.demo.chsk.send(id, d, { timeoutMs: t });
        return { ok: true, value, ms: performance.now() - started };
      } catch (e) {
        return { ok: false, outcome: e.outcome ?? null, name: e.name, ms: performance.now() - started };
      }
    },
    [eventId, data, timeoutMs],
  );
}
