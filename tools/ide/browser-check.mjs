#!/usr/bin/env node
// Loads the GraphiQL page of a running server in headless Chromium and shows that it works
// offline: it runs the default query (and, with --subscription, a subscription over the
// WebSocket), records every request the page makes, and fails if any went elsewhere than the
// server. Every host but 127.0.0.1 is made unresolvable, so a CDN fetch would also fail.
//
// Not part of the test suite (it needs Chromium and puppeteer-core); run it after changing
// src/ide/ or the vendored assets:
//
//   apt-get install -y chromium
//   cd tools/ide && npm install --no-save puppeteer-core@24     # node_modules/ is git-ignored
//   cargo run -- serve &                                        # or any server with the IDE
//   node tools/ide/browser-check.mjs http://127.0.0.1:8080 \
//        [--subscription 'subscription { wijzigingen { volgnummer } }'] [--shots /tmp/ide]
//
// Exit status 0 when the page rendered, the query got a GraphQL response, the subscription
// (if asked) got at least one event, no request left the server and the console stayed clean.

import puppeteer from "puppeteer-core";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const subscription = option("--subscription");
const shots = option("--shots");
const BASE = (args[0] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const WS_BASE = BASE.replace(/^http/, "ws");

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(BASE).hostname}`,
  ],
  defaultViewport: { width: 1400, height: 900 },
});
const problems = [];
const requests = [];
const sockets = [];
const frames = [];
const consoleLines = [];
try {
  const page = await browser.newPage();
  page.on("request", (r) => requests.push({ method: r.method(), url: r.url() }));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url().slice(0, 80)} ${r.failure()?.errorText}`));
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketCreated", (e) => sockets.push(e.url));
  cdp.on("Network.webSocketHandshakeResponseReceived", (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    frames.push(`handshake ${e.response.status}, subprotocol ${h["sec-websocket-protocol"]}`);
  });
  cdp.on("Network.webSocketFrameSent", (e) => frames.push(`> ${e.response.payloadData}`));
  cdp.on("Network.webSocketFrameReceived", (e) => frames.push(`< ${e.response.payloadData}`));

  const result = () =>
    page.evaluate(() => document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() ?? "");
  const waitForResult = (pattern) =>
    page.waitForFunction(
      (source) => new RegExp(source).test(document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue() ?? ""),
      { timeout: 15000 },
      pattern,
    );

  const response = await page.goto(`${BASE}/graphql`, { waitUntil: "networkidle0" });
  console.log(`GET /graphql: ${response.status()} ${response.headers()["content-type"]}`);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 15000 });
  if (shots) await page.screenshot({ path: `${shots}-1-loaded.png` });

  await page.click(".graphiql-execute-button");
  await waitForResult('"(data|errors)"');
  console.log(`default query result:\n${await result()}\n`);
  if (shots) await page.screenshot({ path: `${shots}-2-query.png` });

  if (subscription) {
    await page.click(".graphiql-tab-add");
    await page.evaluate((doc) => {
      const editors = document.querySelectorAll(".graphiql-query-editor .CodeMirror");
      editors[editors.length - 1].CodeMirror.setValue(doc);
    }, subscription);
    // GraphiQL reads the operation name from the editor after a short debounce.
    await new Promise((r) => setTimeout(r, 1000));
    await page.click(".graphiql-execute-button");
    await waitForResult('"(data|errors)"');
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`subscription result (latest event):\n${await result()}\n`);
    if (shots) await page.screenshot({ path: `${shots}-3-subscription.png` });
    const events = frames
      .filter((f) => f.startsWith("< "))
      .map((f) => { try { return JSON.parse(f.slice(2)); } catch { return {}; } })
      .filter((m) => m.type === "next");
    if (events.length === 0) {
      problems.push("the subscription received no event over the WebSocket");
    }
  }
} catch (e) {
  problems.push(`${e.name}: ${e.message}`);
} finally {
  await browser.close();
}

console.log("requests of the page:");
for (const r of requests) console.log(`  ${r.method} ${r.url.startsWith("data:") ? `${r.url.slice(0, 40)}…` : r.url}`);
console.log(`websockets: ${sockets.join(", ") || "(none)"}`);
for (const f of frames) console.log(`  ${f}`);
console.log(`console: ${consoleLines.length ? `\n  ${consoleLines.join("\n  ")}` : "(empty)"}`);

// data: URLs (the fonts inlined in GraphiQL's stylesheet) involve no network.
for (const r of requests) {
  if (!r.url.startsWith(`${BASE}/`) && !r.url.startsWith("data:")) problems.push(`off-site request: ${r.url}`);
}
for (const s of sockets) if (!s.startsWith(`${WS_BASE}/`)) problems.push(`off-site websocket: ${s}`);
for (const line of consoleLines) if (/^(error|pageerror)/.test(line)) problems.push(`console ${line}`);

console.log(problems.length ? `\nFAILED:\n  ${problems.join("\n  ")}` : "\nOK: every request went to the server");
process.exit(problems.length ? 1 : 0);
