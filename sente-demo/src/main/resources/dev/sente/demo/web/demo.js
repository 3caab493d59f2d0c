/**
 * The demo page: one Sente socket and the buttons around it. No framework, no build step.
 *
 * `window.demo` holds the socket (`demo.chsk`) and what happened to it, for the devtools console and
 * the browser tests: `transitions` (every state change), `handshakes`, `fastPushes` (since the last
 * push numbered 0), `fastPushTotal`, `count` (the numbered pushes of the last "Count": `expected`,
 * `received` in arrival order, `repeated`), `tally` (the numbered sends of the last "Send 500":
 * `n`, `sent`, `refused`, and `server`, the server's last `demo/tally-state`), `recoveries` (every `chsk/recovery`: `{recovered}` or
 * `{recovered: false, gap}`), `broadcasts`, `chat`, `users`, `lastEcho`, `lastError`, `log`.
 */
import { connect, NIL_UID } from "/sente/sente.js";

const FAST_PUSHES = 100;
const COUNT = { n: 500, perSecond: 50 };
const TALLY = { n: 500, perSecond: 50 };
const TYPES = ["auto", "ws", "ajax"];
const MAX_LOG = 300;
const TRANSPORT_NAMES = { ws: "WebSocket", ajax: "Ajax" };

const $ = (id) => document.getElementById(id);
const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

const demo = {
  chsk: null,
  type: "auto",
  transitions: [],
  handshakes: [],
  fastPushes: [],
  fastPushTotal: 0,
  count: { expected: 0, received: [], repeated: 0 },
  tally: { n: 0, sent: 0, refused: 0, server: null },
  recoveries: [],
  broadcasts: 0,
  broadcasting: false,
  chat: [],
  users: [],
  lastEcho: undefined,
  lastError: null,
  log: [],
};
window.demo = demo;

// ------------------------------------------------------------------ the socket

function start(type) {
  demo.chsk?.disconnect();
  const chsk = connect("/chsk", {
    type,
    csrfToken,
    onError: (e) => log("error", "client", e?.message ?? String(e)),
  });
  demo.chsk = chsk;
  demo.type = type;
  $("transport").value = type;
  const url = new URL(location.href);
  if (type === "auto") url.searchParams.delete("type");
  else url.searchParams.set("type", type);
  history.replaceState(null, "", url);
  $("fact-client").textContent = chsk.clientId;
  // Events of a socket that was replaced are ignored.
  const live =
    (fn) =>
    (...args) => {
      if (demo.chsk === chsk) fn(...args);
    };
  chsk.onState(live(onState));
  chsk.onAny(live(onEvent));
  log("state", "connect", `type ${type}, client ${chsk.clientId.slice(0, 8)}…`);
  renderState(chsk.state);
}

function onState(state, previous) {
  demo.transitions.push({
    open: state.open,
    type: state.type,
    reason: state.lastClose?.reason ?? null,
    code: state.lastClose?.code ?? null,
    status: state.lastClose?.status ?? null,
    firstOpen: state.firstOpen,
    userId: state.userId,
    nextReconnectAt: state.nextReconnectAt,
    at: Date.now(),
  });
  if (state.openChanged) {
    if (state.open) {
      const first = state.firstOpen ? " (first open)" : "";
      log("state", "open", `over ${TRANSPORT_NAMES[state.type]} as ${userName(state.userId)}${first}`);
    } else {
      log("state", "closed", describeClose(state.lastClose), "warn");
    }
  } else if (state.lastClose !== previous.lastClose && state.lastClose) {
    log("state", "attempt failed", describeClose(state.lastClose), "warn");
  } else if (state.type !== previous.type) {
    log("state", "transport", `now ${TRANSPORT_NAMES[state.type]}`);
  }
  renderState(state);
}

function onEvent(id, data) {
  switch (id) {
    case "chsk/handshake": {
      const [uid, , handshakeData, first] = data;
      demo.handshakes.push({ uid, first });
      log("in", id, `uid ${uid === NIL_UID ? "anonymous" : uid}${first ? ", first handshake" : ""}`);
      if (handshakeData) {
        $("fact-node").textContent = handshakeData.node ?? "–";
        renderUsers(handshakeData.users ?? []);
        setBroadcasting(Boolean(handshakeData.broadcasting));
        demo.chat = [];
        $("chat-lines").replaceChildren();
        for (const line of handshakeData.chat ?? []) addChatLine(line);
        renderChatEmpty();
      }
      return;
    }
    case "chsk/ws-ping":
      log("in", id, "server keep-alive ping, answered");
      return;
    case "chsk/recovery":
      demo.recoveries.push(data);
      renderRecovery(data);
      log("state", id, describeRecovery(data), data.recovered ? undefined : "warn");
      return;
    case "demo/count":
      onCount(data.i);
      return;
    case "demo/tally-state":
      demo.tally.server = data;
      renderTally();
      return;
    case "demo/fast-push":
      onFastPush(data.i);
      return;
    case "demo/broadcast":
      demo.broadcasts += 1;
      $("broadcast-count").textContent = String(demo.broadcasts);
      log("in", id, `#${data.n} to every connected user`);
      return;
    case "demo/broadcast-state":
      setBroadcasting(data.on);
      log("in", id, `${data.on ? "on" : "off"}, by ${data.by}`);
      return;
    case "demo/users":
      renderUsers(data);
      log("in", id, data.map((u) => `${u.name} (${u.transports.join("+") || "–"})`).join(", ") || "nobody");
      return;
    case "demo/chat-line":
      addChatLine(data);
      renderChatEmpty();
      log("in", id, `${data.user}: ${data.text}`);
      return;
    default:
      log("in", id, data);
  }
}

function onFastPush(i) {
  if (i === 0) demo.fastPushes = [];
  demo.fastPushes.push(i);
  demo.fastPushTotal += 1;
  const n = demo.fastPushes.length;
  const inOrder = demo.fastPushes.every((value, index) => value === index);
  $("fast-count").textContent = `${n} / ${FAST_PUSHES}${inOrder ? "" : " (out of order!)"}`;
  $("fast-progress").value = n;
  if (n === FAST_PUSHES) {
    log("in", "demo/fast-push", `×${n}, 0..${FAST_PUSHES - 1}${inOrder ? ", in order" : ", OUT OF ORDER"}`);
  }
}

function onCount(i) {
  const count = demo.count;
  if (count.received.includes(i)) count.repeated += 1;
  count.received.push(i);
  renderCount();
}

/** "k / n", then what is wrong: missing so far (below the highest seen), repeated, out of order. */
function renderCount() {
  const { expected, received, repeated } = demo.count;
  const highest = received.length === 0 ? -1 : Math.max(...received);
  const missing = highest + 1 - new Set(received).size;
  const inOrder = received.every((value, index) => index === 0 || value > received[index - 1]);
  const problems = [];
  if (missing > 0) problems.push(`${missing} missing`);
  if (repeated > 0) problems.push(`${repeated} repeated`);
  if (!inOrder) problems.push("out of order");
  const done = received.length >= expected && problems.length === 0 ? ", nothing lost" : "";
  $("count-status").textContent = `${received.length} / ${expected}${problems.length ? ` (${problems.join(", ")})` : done}`;
  $("count-progress").value = received.length;
}

/** "Send 500": numbered events at a steady rate; the server's demo/tally-state says what it got. */
async function startTally() {
  clearInterval(demo.tally.timer);
  demo.tally = { n: TALLY.n, sent: 0, refused: 0, server: null, timer: null };
  renderTally();
  if ((await request("demo/tally-reset", { n: TALLY.n }, 5000)) !== TALLY.n) return;
  const tally = demo.tally;
  tally.timer = setInterval(() => {
    if (tally !== demo.tally || tally.sent >= tally.n) {
      clearInterval(tally.timer);
      return;
    }
    // kept while reconnecting, numbered while open: the server handles each once, in order
    if (!demo.chsk.send("demo/tally", { i: tally.sent })) tally.refused += 1;
    tally.sent += 1;
    renderTally();
  }, 1000 / TALLY.perSecond);
}

/** "k / n", then what the server saw wrong: missing, repeated, out of order, refused sends. */
function renderTally() {
  const { n, sent, refused, server } = demo.tally;
  const received = server?.received ?? 0;
  const problems = [];
  if (server?.missing) problems.push(`${server.missing} missing`);
  if (server?.repeated) problems.push(`${server.repeated} repeated`);
  if (server?.outOfOrder) problems.push(`${server.outOfOrder} out of order`);
  if (refused) problems.push(`${refused} refused`);
  const done = received >= n && problems.length === 0 ? ", nothing lost" : "";
  const text = n === 0 ? "–" : `${received} / ${n}${problems.length ? ` (${problems.join(", ")})` : done}`;
  $("tally-status").textContent = sent < n && n > 0 ? `${text}, sent ${sent}` : text;
  $("tally-progress").value = received;
}

function describeRecovery(r) {
  if (r.recovered) return "recovered: nothing missed";
  return r.gap === null ? "gap: events were missed (how many is unknown)" : `gap: ${r.gap} events missed`;
}

function renderRecovery(r) {
  const kind = r.recovered ? "ok" : "warn";
  $("fact-recovery").replaceChildren(tag(r.recovered ? "recovered" : r.gap === null ? "gap (unknown)" : `gap of ${r.gap}`, kind));
}

// ------------------------------------------------------------------ rendering

function userName(userId) {
  return userId === null || userId === undefined || userId === NIL_UID ? "anonymous" : String(userId);
}

function describeClose(close) {
  if (!close) return "";
  const detail = close.code !== undefined ? ` (code ${close.code})` : close.status !== undefined ? ` (HTTP ${close.status})` : "";
  return `${close.reason}${detail}`;
}

function renderState(state) {
  const status = state.open ? "open" : state.stopped ? "stopped" : "connecting";
  $("status").dataset.status = status;
  let text = state.open ? `Online · ${TRANSPORT_NAMES[state.type]}` : state.stopped ? "Disconnected" : "Connecting…";
  if (!state.open && state.nextReconnectAt) {
    text = `Reconnecting in ${Math.max(0, Math.ceil((state.nextReconnectAt - Date.now()) / 1000))} s`;
  }
  $("status-text").textContent = text;
  $("fact-state").replaceChildren(tag(status, state.open ? "ok" : state.stopped ? "" : "warn"));
  const asked = Object.assign(document.createElement("span"), { className: "muted", textContent: ` asked: ${demo.type}` });
  $("fact-type").replaceChildren(tag(TRANSPORT_NAMES[state.type], state.type), asked);
  $("fact-user").textContent = state.everOpened ? userName(state.userId) : "–";
  $("fact-close").textContent = state.lastClose ? describeClose(state.lastClose) : "–";
  $("who").textContent = state.everOpened ? userName(state.userId) : "…";
  markMe();
}

function tag(text, kind) {
  const span = document.createElement("span");
  span.className = `tag ${kind ?? ""}`;
  span.textContent = text;
  return span;
}

function hue(name) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.codePointAt(0)) % 360;
  return h;
}

function avatar(name, anonymous) {
  const span = document.createElement("span");
  span.className = anonymous ? "avatar anonymous" : "avatar";
  span.textContent = anonymous ? "?" : [...name][0];
  if (!anonymous) span.style.setProperty("--hue", String(hue(name)));
  return span;
}

function isMe(userIdOrName, anonymous) {
  const me = demo.chsk?.state.userId;
  return anonymous ? me === null : me !== null && String(me) === userIdOrName;
}

function renderUsers(users) {
  demo.users = users;
  $("user-count").textContent = String(users.length);
  const items = users.map((user) => {
    const li = document.createElement("li");
    li.dataset.user = user.id;
    const name = document.createElement("span");
    name.className = user.anonymous ? "name anonymous" : "name";
    name.textContent = user.name;
    const transports = document.createElement("span");
    transports.className = "transports";
    for (const t of user.transports) transports.append(tag(TRANSPORT_NAMES[t] ?? t, t));
    li.append(avatar(user.name, user.anonymous), name, transports);
    return li;
  });
  $("users").replaceChildren(...items);
  markMe();
}

function markMe() {
  for (const li of $("users").children) {
    const user = demo.users.find((u) => u.id === li.dataset.user);
    const mine = user && isMe(user.id, user.anonymous);
    const you = li.querySelector(".you");
    if (mine && !you) li.querySelector(".name").after(Object.assign(document.createElement("span"), { className: "you", textContent: "you" }));
    if (!mine && you) you.remove();
  }
}

function addChatLine(line) {
  demo.chat.push(line);
  const anonymous = line.user === "anonymous";
  const li = document.createElement("li");
  li.className = isMe(line.user, anonymous) ? "chat-line mine" : "chat-line";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  const meta = document.createElement("div");
  meta.className = "bubble-meta";
  const who = document.createElement("strong");
  who.textContent = line.user;
  const time = document.createElement("time");
  time.textContent = new Date(line.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  meta.append(who, time);
  const text = document.createElement("div");
  text.className = "text";
  text.textContent = line.text;
  bubble.append(meta, text);
  li.append(avatar(line.user, anonymous), bubble);
  const list = $("chat-lines");
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

function renderChatEmpty() {
  $("chat-empty").hidden = demo.chat.length > 0;
}

function setBroadcasting(on) {
  demo.broadcasting = on;
  $("broadcast-state").textContent = on ? "on" : "off";
  $("btn-broadcast").textContent = on ? "Stop broadcasts" : "Start broadcasts";
  $("btn-broadcast").setAttribute("aria-pressed", String(on));
}

// ------------------------------------------------------------------ the event log

function clock() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const ARROWS = { out: "↑", in: "↓", reply: "↩", state: "•", error: "!", http: "⇅" };

function log(kind, id, data, level) {
  const text = typeof data === "string" ? data : data === undefined ? "" : JSON.stringify(data);
  demo.log.push({ kind, id, text });
  const li = document.createElement("li");
  li.className = `kind-${level === "error" ? "error" : kind}`;
  const time = document.createElement("time");
  time.textContent = clock();
  const dir = document.createElement("span");
  dir.className = "dir";
  dir.textContent = ARROWS[kind] ?? "·";
  const what = document.createElement("span");
  what.className = "id";
  what.textContent = id;
  const detail = document.createElement("span");
  detail.className = "data";
  detail.textContent = text;
  detail.title = text;
  li.append(time, dir, what, detail);
  const list = $("log");
  list.prepend(li);
  while (list.children.length > MAX_LOG) list.lastElementChild.remove();
}

// ------------------------------------------------------------------ actions

function send(id, data) {
  const sent = demo.chsk.send(id, data);
  log("out", id, sent ? `${JSON.stringify(data ?? null)}, no reply asked` : "not sent: the socket is not open", sent ? undefined : "error");
  return sent;
}

async function request(id, data, timeoutMs) {
  const started = performance.now();
  log("out", id, `${JSON.stringify(data ?? null)}, reply within ${timeoutMs} ms`);
  try {
    const reply = await demo.chsk.send(id, data, { timeoutMs });
    log("reply", id, `${JSON.stringify(reply)} after ${Math.round(performance.now() - started)} ms`);
    return reply;
  } catch (e) {
    demo.lastError = { eventId: id, outcome: e.outcome ?? null, status: e.status ?? null, message: e.message };
    log("error", id, `${e.outcome ?? e.name}: ${e.message}`, "error");
    return undefined;
  }
}

async function account(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "X-CSRF-Token": csrfToken() },
    body: new URLSearchParams(body),
  });
  const text = response.ok ? "" : (await response.text()).trim();
  log(response.ok ? "http" : "error", `POST ${path}`, response.ok ? `${response.status}, reconnecting` : `${response.status} ${text}`, response.ok ? undefined : "error");
  return { ok: response.ok, text };
}

let echoCount = 0;

function wire() {
  $("btn-connect").addEventListener("click", () => start($("transport").value));
  $("btn-disconnect").addEventListener("click", () => demo.chsk.disconnect());
  $("btn-reconnect").addEventListener("click", () => demo.chsk.reconnect());
  $("btn-break").addEventListener("click", () => {
    log("state", "break", "breakConnection(): the socket drops as if the network failed");
    demo.chsk.breakConnection();
  });
  $("btn-kick").addEventListener("click", () => send("demo/kick-me"));
  $("btn-send").addEventListener("click", () => send("demo/hello", { from: "button", at: Date.now() }));
  $("btn-echo").addEventListener("click", async () => {
    echoCount += 1;
    const reply = await request("demo/echo", { text: "ping", n: echoCount }, 5000);
    if (reply !== undefined) demo.lastEcho = reply;
  });
  $("btn-slow").addEventListener("click", () => request("demo/slow-echo", { delayMs: 3000 }, 1000));
  $("btn-fail").addEventListener("click", () => request("demo/fail", {}, 5000));
  $("btn-rapid").addEventListener("click", () => request("demo/rapid-push", null, 5000));
  $("btn-count").addEventListener("click", () => {
    demo.count = { expected: COUNT.n, received: [], repeated: 0 };
    renderCount();
    return request("demo/count", COUNT, 5000);
  });
  $("btn-tally").addEventListener("click", () => startTally());
  $("btn-broadcast").addEventListener("click", () => request("demo/toggle-broadcast", null, 5000));
  $("btn-clear-log").addEventListener("click", () => $("log").replaceChildren());

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const userId = $("user-id").value.trim();
    const { ok, text } = await account("/login", { "user-id": userId });
    $("login-hint").classList.toggle("error", !ok);
    if (ok) {
      $("login-hint").textContent = `Logged in as ${userId}. Open another window to log in as someone else.`;
      demo.chsk.reconnect();
    } else {
      $("login-hint").textContent = text;
    }
  });
  $("btn-logout").addEventListener("click", async () => {
    const { ok } = await account("/logout", {});
    if (ok) {
      $("login-hint").classList.remove("error");
      $("login-hint").textContent = "Logged out: you are anonymous again.";
      demo.chsk.reconnect();
    }
  });
  $("chat-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("chat-text");
    const text = input.value.trim();
    if (!text) return;
    const reply = await request("demo/chat", { text }, 5000);
    if (reply?.ok) input.value = "";
  });
  // Keep the "reconnecting in n s" countdown fresh.
  setInterval(() => {
    if (demo.chsk && !demo.chsk.state.open && demo.chsk.state.nextReconnectAt) renderState(demo.chsk.state);
  }, 1000);
}

wire();
const requested = new URLSearchParams(location.search).get("type");
start(TYPES.includes(requested) ? requested : "auto");
