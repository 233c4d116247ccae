#!/usr/bin/env node
// The IDE as a person uses it, in headless Chromium: it asserts what is on the screen, not only
// what the network carried. Checks, each with a screenshot:
//   1. the page loads and GraphiQL fetched the schema (no "Error fetching schema");
//   2. the Docs explorer lists Query with its fields and their descriptions;
//   3. typing `{ gem` offers gemeente and gemeenten in the autocompletion list;
//   4. the default query runs and the result pane holds data and no errors;
//   5. a subscription tab receives a change made over HTTP by another client (needs --token);
// and throughout: no request leaves the server (every other host is unresolvable) and the
// console has no errors.
//
//   node tools/clients/ide-check.mjs http://127.0.0.1:8080 --token TOKEN --shots DIR
//
// Exit status 0 when everything holds. Needs Debian's chromium (CHROMIUM overrides the path).

import { mkdirSync } from "node:fs";
import puppeteer from "puppeteer-core";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const token = option("--token");
const shots = option("--shots") ?? "ide-shots";
const BASE = (args[0] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const WS_BASE = BASE.replace(/^http/, "ws");
mkdirSync(shots, { recursive: true });

const problems = [];
const requests = [];
const sockets = [];
const consoleLines = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAIL"}: ${what}`);
  if (!ok) problems.push(what);
};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

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

try {
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url().slice(0, 80)} ${r.failure()?.errorText}`));
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketCreated", (e) => sockets.push(e.url));

  const editorValue = (selector) =>
    page.evaluate((s) => [...document.querySelectorAll(s)].pop()?.CodeMirror?.getValue() ?? "", selector);
  const resultText = () => editorValue(".result-window .CodeMirror");
  const waitForResult = (pattern, timeout = 15000) =>
    page.waitForFunction(
      (source) => new RegExp(source).test([...document.querySelectorAll(".result-window .CodeMirror")].pop()?.CodeMirror?.getValue() ?? ""),
      { timeout },
      pattern,
    );

  // 1. The page and the schema.
  const response = await page.goto(`${BASE}/graphql`, { waitUntil: "networkidle0" });
  check(response.status() === 200, `GET /graphql answers 200 (${response.status()})`);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 15000 });
  await pause(500);
  await page.screenshot({ path: `${shots}/1-loaded.png` });
  // GraphiQL shows a failed schema fetch in the result pane (and offers no Docs button).
  const afterLoad = await resultText();
  const bodyText = await page.evaluate(() => document.body.innerText);
  check(!/fetching schema/i.test(bodyText) && !/"errors"/.test(afterLoad),
    `GraphiQL loaded the schema (result pane after load: ${afterLoad.replace(/\s+/g, " ").slice(0, 160) || "empty"})`);
  check(await page.$('button[aria-label="Show Documentation Explorer"]') !== null, "the Docs button is there");

  // 2. The Docs explorer: Query, its fields, their descriptions.
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.waitForSelector(".graphiql-doc-explorer", { timeout: 10000 });
  await page.waitForFunction(() => /Query/.test(document.querySelector(".graphiql-doc-explorer")?.innerText ?? ""), { timeout: 10000 });
  await page.evaluate(() => {
    const link = [...document.querySelectorAll(".graphiql-doc-explorer a, .graphiql-doc-explorer .graphiql-doc-explorer-type-name")]
      .find((a) => a.textContent.trim() === "Query");
    link?.click();
  });
  await page.waitForFunction(() => /gemeenten/.test(document.querySelector(".graphiql-doc-explorer")?.innerText ?? ""), { timeout: 10000 })
    .catch(() => {});
  await pause(300);
  await page.screenshot({ path: `${shots}/2-docs-query.png` });
  const docs = await page.evaluate(() => document.querySelector(".graphiql-doc-explorer")?.innerText ?? "");
  check(/\bQuery\b/.test(docs), "the Docs explorer shows Query");
  for (const field of ["gemeente", "gemeenten", "ambtelijkeFusies", "statistiek", "wijzigingen"]) {
    check(new RegExp(`\\b${field}\\b`).test(docs), `the Docs explorer lists Query.${field}`);
  }
  check(/A municipality by CBS code/.test(docs), "the Docs explorer shows the field descriptions");

  // 3. Autocompletion while typing.
  const queryEditor = ".graphiql-query-editor .CodeMirror";
  await page.evaluate((s) => [...document.querySelectorAll(s)].pop().CodeMirror.setValue(""), queryEditor);
  await page.click(queryEditor);
  await page.keyboard.type("{ gem", { delay: 60 });
  await page.waitForSelector(".CodeMirror-hints li", { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: `${shots}/3-autocomplete.png` });
  const hints = await page.evaluate(() => [...document.querySelectorAll(".CodeMirror-hints li")].map((li) => li.textContent.trim()));
  check(hints.includes("gemeente") && hints.includes("gemeenten"), `autocompletion offers gemeente and gemeenten (${hints.join(", ")})`);
  await page.keyboard.press("Escape");

  // 4. The default query (reload restores it) runs; the result pane shows data, no errors.
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${BASE}/graphql`, { waitUntil: "networkidle0" });
  await page.waitForSelector(queryEditor, { timeout: 15000 });
  await pause(500);
  await page.click(".graphiql-execute-button");
  await waitForResult('"(data|errors)"');
  await pause(300);
  await page.screenshot({ path: `${shots}/4-default-query.png` });
  const result = JSON.parse(await resultText());
  check(result.data && Object.keys(result.data).length > 0, "the result pane holds data");
  check(!result.errors, `the result pane holds no errors (${JSON.stringify(result.errors ?? null).slice(0, 200)})`);

  // 5. A subscription in a new tab receives a change made over HTTP.
  if (token) {
    await page.click(".graphiql-tab-add");
    await pause(300);
    await page.evaluate(
      (s, doc) => [...document.querySelectorAll(s)].pop().CodeMirror.setValue(doc),
      queryEditor,
      "subscription Wijzigingen {\n  wijzigingen {\n    volgnummer\n    soort\n    entiteit\n    entiteitId\n    door\n  }\n}\n",
    );
    await pause(1000); // GraphiQL reads the operation from the editor after a short debounce
    await page.click(".graphiql-execute-button");
    await pause(1500); // the socket is open and subscribed
    const change = await fetch(`${BASE}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation { voegBronToe(input: { entiteit: "Gemeente:GM0363", bron: { bron: "ide-check-${Date.now()}", titel: "Browser check", uitgever: "fusieregister CI", url: "https://example.org/ide-check" } }) { __typename } }`,
      }),
    }).then((r) => r.json());
    check(!change.errors, `the change over HTTP was accepted (${JSON.stringify(change).slice(0, 200)})`);
    const arrived = await waitForResult('"wijzigingen"', 10000).then(() => true, () => false);
    await pause(300);
    await page.screenshot({ path: `${shots}/5-subscription.png` });
    const event = arrived ? JSON.parse(await resultText()) : {};
    check(event.data?.wijzigingen?.door === "ide-check",
      `the subscription tab shows the change (${JSON.stringify(event).slice(0, 200)})`);
  } else {
    console.log("skip: subscription (no --token)");
  }
} catch (e) {
  problems.push(`${e.name}: ${e.message}`);
} finally {
  await browser.close();
}

// data: URLs (the fonts inlined in GraphiQL's stylesheet) involve no network.
const offSite = requests.filter((url) => !url.startsWith(`${BASE}/`) && !url.startsWith("data:"));
check(offSite.length === 0, `no request left the server (${requests.length} requests${offSite.length ? `; off-site: ${offSite.join(", ")}` : ""})`);
const offSiteSockets = sockets.filter((url) => !url.startsWith(`${WS_BASE}/`));
check(offSiteSockets.length === 0, `no WebSocket left the server (${sockets.join(", ") || "none"})`);
const consoleErrors = consoleLines.filter((line) => /^(error|pageerror)/.test(line));
check(consoleErrors.length === 0, `the console has no errors${consoleErrors.length ? `: ${consoleErrors.join(" | ")}` : ""}`);

console.log(problems.length ? `\nFAILED (screenshots in ${shots}):\n  ${problems.join("\n  ")}` : `\nIDE check passed (screenshots in ${shots})`);
process.exit(problems.length ? 1 : 0);
