#!/usr/bin/env node
// Opens /voorbeeld of a running server in headless Chromium and checks what a person sees,
// against what the API answers:
//   1. the chart has one group of bars per year (1999 to this year), bar heights in proportion
//      to the counts, and for 2015-01-01 the registry's counts beside the study's published
//      figures (16 fusieorganisaties, 36 municipalities, as the API gives them);
//   2. with the date picker set to 2015-01-01, the table lists exactly the fusies the API lists
//      for that date, each with its members (BAR-organisatie: Albrandswaard, Barendrecht,
//      Ridderkerk);
//   3. clicking a member opens its page with its lineage and its fusies through time; a CBS
//      code typed in the form opens that municipality;
//   4. a change made through a separate HTTP mutation (with --token) appears in the live list;
//   5. a year clicked in the chart shows that date in the table, with as many rows as its bar;
// and that every request went to the server, every GraphQL request was a named operation of
// queries.js, and the console stayed clean. A screenshot of each state goes into --shots DIR.
//
//   cd tools/clients && npm ci                     # puppeteer-core, pinned in package.json
//   node tools/clients/voorbeeld-check.mjs http://127.0.0.1:8080 --token TOKEN --shots DIR
//
// Needs Chromium (Debian: apt-get install chromium; elsewhere set CHROMIUM=/path/to/chrome) and
// an editor token (fusieregister token create --name voorbeeld --role editor). The mutation
// cites a new source (voegBronToe) for a municipality: run it against a scratch database.
// Exit status 0 only when everything holds.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const token = option("--token");
const shots = option("--shots");
const BASE = (args[0] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const WS_BASE = BASE.replace(/^http/, "ws");
if (!token || !shots) {
  console.error("usage: node voorbeeld-check.mjs BASE_URL --token TOKEN --shots DIR");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

const PEILDATUM = "2015-01-01";
const FIRST_YEAR = 1999;
const problems = [];
const check = (condition, message) => {
  if (!condition) problems.push(message);
  return condition;
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** A named operation straight to the API, as a second client beside the page. */
async function api(document, variables = {}, withToken = false) {
  const operationName = /^\s*(?:query|mutation)\s+(\w+)/.exec(document)[1];
  const response = await fetch(`${BASE}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(withToken ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ operationName, query: document, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(`${operationName}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// ---- What the API says -------------------------------------------------------------------

const { statistiek: expected2015 } = await api(
  `query CheckStatistiek($peildatum: Date!) {
    statistiek(peildatum: $peildatum) {
      aantalAmbtelijkeFusies aantalFusieorganisaties aantalCentrumconstructies aantalDeelnemendeGemeenten
      kengetallen { registerWaarde kengetal { soort waarde } }
    }
  }`,
  { peildatum: PEILDATUM },
);
const published = (soort) => expected2015.kengetallen.find((k) => k.kengetal.soort === soort);
const studyFusies = published("AANTAL_AMBTELIJKE_FUSIEORGANISATIES");
const studyGemeenten = published("AANTAL_DEELNEMENDE_GEMEENTEN");
check(studyFusies?.kengetal.waarde === 16, `the API gives no published 16 for ${PEILDATUM}: ${JSON.stringify(studyFusies)}`);
check(studyGemeenten?.kengetal.waarde === 36, `the API gives no published 36 for ${PEILDATUM}: ${JSON.stringify(studyGemeenten)}`);

const expectedFusies = [];
for (let after = null; ; ) {
  const { ambtelijkeFusies: page } = await api(
    `query CheckFusies($peildatum: Date!, $after: String) {
      ambtelijkeFusies(peildatum: $peildatum, reikwijdte: VOLLEDIG, first: 25, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { sleutel naam deelnames(peildatum: $peildatum) {
          gemeente {
            code naam voorgangers { code naam } opvolgers { code naam }
            deelnames { ambtelijkeFusie { sleutel } }
          }
        } } }
      }
    }`,
    { peildatum: PEILDATUM, after },
  );
  expectedFusies.push(...page.edges.map((e) => e.node));
  if (!page.pageInfo.hasNextPage) break;
  after = page.pageInfo.endCursor;
}
const bar = expectedFusies.find((f) => f.sleutel === "bar");
check(
  same(bar?.deelnames.map((d) => d.gemeente.naam).sort(), ["Albrandswaard", "Barendrecht", "Ridderkerk"]),
  `the API does not give BAR's three members on ${PEILDATUM}: ${JSON.stringify(bar)}`,
);

// ---- The browser -------------------------------------------------------------------------

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    // Nothing but the server's host resolves: a CDN request could not succeed even if tried.
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(BASE).hostname}`,
    "--lang=nl-NL",
  ],
  defaultViewport: { width: 1400, height: 900 },
});
const requests = [];
const aborted = [];
const operations = [];
const sockets = [];
const consoleLines = [];
const shot = async (element, name) => {
  const path = join(shots, name);
  await element.screenshot({ path });
  console.log(`screenshot: ${path}`);
};

try {
  const page = await browser.newPage();
  page.on("request", (r) => {
    requests.push({ method: r.method(), url: r.url() });
    if (r.method() === "POST" && r.url() === `${BASE}/graphql`) {
      const body = JSON.parse(r.postData() ?? "{}");
      operations.push({ name: body.operationName, declared: /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(body.query ?? "")?.[1] });
    }
  });
  page.on("requestfailed", (r) => {
    // A newer choice of date cancels the page's request for the older one (AbortController).
    if (r.failure()?.errorText === "net::ERR_ABORTED" && r.method() === "POST") aborted.push(r.url());
    else problems.push(`request failed: ${r.url().slice(0, 80)} ${r.failure()?.errorText}`);
  });
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  const cdp = await page.createCDPSession();
  await cdp.send("Network.enable");
  cdp.on("Network.webSocketCreated", (e) => sockets.push(e.url));
  cdp.on("Network.webSocketFrameSent", (e) => {
    try {
      const message = JSON.parse(e.response.payloadData);
      if (message.type === "subscribe") {
        operations.push({ name: message.payload.operationName, declared: /^\s*subscription\s+(\w+)/.exec(message.payload.query)?.[1] });
      }
    } catch {
      problems.push(`a WebSocket frame that is not JSON: ${e.response.payloadData.slice(0, 60)}`);
    }
  });

  const response = await page.goto(`${BASE}/voorbeeld`, { waitUntil: "load" });
  console.log(`GET /voorbeeld: ${response.status()} ${response.headers()["content-type"]}`);
  check(response.status() === 200, `GET /voorbeeld answered ${response.status()}`);

  // ---- 1. The chart ----------------------------------------------------------------------
  const years = [];
  for (let y = FIRST_YEAR; y <= new Date().getFullYear(); y += 1) years.push(y);
  await page.waitForFunction((n) => document.querySelectorAll("#grafiek-svg g.jaar").length === n, { timeout: 30000 }, years.length)
    .catch(() => problems.push("the chart did not draw one group per year"));
  const chart = await page.$$eval("#grafiek-svg g.jaar", (groups) =>
    groups.map((g) => ({
      jaar: Number(g.dataset.jaar),
      bars: [...g.querySelectorAll(".staaf")].map((b) => ({
        reeks: b.dataset.reeks,
        totaal: Number(b.dataset.totaal),
        segments: [...b.querySelectorAll("rect.deel")].map((r) => {
          const box = r.getBBox();
          return { vorm: r.dataset.vorm, waarde: Number(r.dataset.waarde), y: box.y, height: box.height };
        }),
      })),
      markers: [...g.querySelectorAll(".kengetal")].map((k) => ({
        soort: k.dataset.soort,
        y: Number(k.querySelector("line").getAttribute("y1")),
        labels: [...k.querySelectorAll("text")].map((t) => t.textContent),
      })),
      labels: [...g.querySelectorAll("text")].map((t) => t.textContent),
    })),
  );
  check(same(chart.map((g) => g.jaar), years), `chart years ${chart.map((g) => g.jaar).join(",")} are not ${FIRST_YEAR}..${years.at(-1)}`);
  // Drawn heights in proportion to the counts: one scale per panel, shared by all years.
  for (const reeks of ["fusies", "gemeenten"]) {
    const scales = [];
    for (const group of chart) {
      const b = group.bars.find((x) => x.reeks === reeks);
      if (!check(b && b.segments.length === 2, `${group.jaar}: no two-part ${reeks} bar`)) continue;
      check(b.segments.reduce((sum, s) => sum + s.waarde, 0) === b.totaal, `${group.jaar} ${reeks}: the parts do not add up to ${b.totaal}`);
      const height = b.segments.reduce((sum, s) => sum + s.height, 0);
      if (b.totaal > 0) scales.push(height / b.totaal);
      else check(height === 0, `${group.jaar} ${reeks}: an empty bar has height ${height}`);
    }
    check(scales.length > 0 && scales.every((s) => Math.abs(s - scales[0]) < 0.01 * scales[0]), `${reeks} bars are not drawn to one scale: ${scales.map((s) => s.toFixed(3))}`);
  }
  const g2015 = chart.find((g) => g.jaar === 2015);
  if (check(g2015, "no bars for 2015")) {
    const fusies = g2015.bars.find((b) => b.reeks === "fusies");
    const gemeenten = g2015.bars.find((b) => b.reeks === "gemeenten");
    const parts = (b) => Object.fromEntries(b.segments.map((s) => [s.vorm, s.waarde]));
    check(fusies.totaal === expected2015.aantalAmbtelijkeFusies, `2015 fusies bar ${fusies.totaal}, API ${expected2015.aantalAmbtelijkeFusies}`);
    check(
      same(parts(fusies), { FUSIEORGANISATIE: expected2015.aantalFusieorganisaties, CENTRUMCONSTRUCTIE: expected2015.aantalCentrumconstructies }),
      `2015 fusies bar parts ${JSON.stringify(parts(fusies))} differ from the API`,
    );
    check(gemeenten.totaal === expected2015.aantalDeelnemendeGemeenten, `2015 gemeenten bar ${gemeenten.totaal}, API ${expected2015.aantalDeelnemendeGemeenten}`);
    for (const [b, k] of [[fusies, studyFusies], [gemeenten, studyGemeenten]]) {
      const marker = g2015.markers.find((m) => m.soort === k?.kengetal.soort);
      if (!check(marker, `2015: no mark of the published ${k?.kengetal.waarde} in the ${b.reeks} panel`)) continue;
      check(
        same(marker.labels.sort(), [`onderzoek ${k.kengetal.waarde}`, `register ${k.registerWaarde}`].sort()),
        `2015 ${b.reeks}: labels ${JSON.stringify(marker.labels)}, expected onderzoek ${k.kengetal.waarde} and register ${k.registerWaarde}`,
      );
      // The mark sits at the published value on the panel's scale.
      const bottom = b.segments[0].y + b.segments[0].height;
      const height = b.segments.reduce((sum, s) => sum + s.height, 0);
      const drawn = ((bottom - marker.y) / height) * b.totaal;
      check(Math.abs(drawn - k.kengetal.waarde) < 0.05, `2015 ${b.reeks}: the mark is drawn at ${drawn.toFixed(2)}, not ${k.kengetal.waarde}`);
    }
  }
  const comparison = await page.$$eval("#vergelijking tbody tr", (rows) =>
    rows.map((tr) => ({ soort: tr.dataset.soort, peildatum: tr.dataset.peildatum, cells: [...tr.cells].map((c) => c.innerText.trim()) })),
  );
  for (const k of [studyFusies, studyGemeenten].filter(Boolean)) {
    const row = comparison.find((r) => r.soort === k.kengetal.soort && r.peildatum === PEILDATUM);
    check(
      row && row.cells[3] === String(k.kengetal.waarde) && row.cells[4] === String(k.registerWaarde),
      `the comparison table does not show ${k.kengetal.waarde} beside ${k.registerWaarde}: ${JSON.stringify(row)}`,
    );
  }
  check(await page.$eval("#grafiek-status", (e) => e.textContent === ""), "the chart's status line shows a message");
  console.log(`chart: ${chart.length} years; 2015: ${g2015?.labels.join(" · ")}`);
  await shot(await page.$("#grafiek"), "1-grafiek.png");

  // ---- 2. The table on 2015-01-01, chosen with the date picker ---------------------------
  await page.waitForSelector('#fusies-tabel[aria-busy="false"]', { timeout: 15000 });
  // Focus puts the caret in the date field's first part; "01", "01", "2015" fill it in the
  // order of the browser's locale, whether that is day-month-year or month-day-year.
  await page.focus("#peildatum");
  await page.keyboard.type("01012015");
  await page.keyboard.press("Tab");
  check((await page.$eval("#peildatum", (e) => e.value)) === PEILDATUM, "typing 01-01-2015 did not set the date picker");
  await page.waitForSelector(`#fusies-tabel[data-peildatum="${PEILDATUM}"][aria-busy="false"]`, { timeout: 15000 })
    .catch(() => problems.push(`the table did not show ${PEILDATUM}`));
  const rows = await page.$$eval("#fusies-tabel tbody tr", (trs) =>
    trs.map((tr) => ({
      sleutel: tr.dataset.sleutel,
      naam: tr.querySelector(".fusie-naam")?.innerText,
      leden: [...tr.querySelectorAll(".leden li")].map((li) => ({ code: li.dataset.code, naam: li.querySelector("button").innerText })),
    })),
  );
  check(rows.length === expectedFusies.length, `the table has ${rows.length} rows, the API lists ${expectedFusies.length}`);
  check(rows.length === expected2015.aantalAmbtelijkeFusies, `the table has ${rows.length} rows, the chart counts ${expected2015.aantalAmbtelijkeFusies}`);
  const byCode = (a, b) => a.code.localeCompare(b.code);
  for (const fusie of expectedFusies) {
    const row = rows.find((r) => r.sleutel === fusie.sleutel);
    if (!check(row, `the table lacks ${fusie.naam}`)) continue;
    check(row.naam === fusie.naam, `row ${fusie.sleutel} reads ${row.naam}, not ${fusie.naam}`);
    const members = fusie.deelnames.map((d) => ({ code: d.gemeente.code, naam: d.gemeente.naam })).sort(byCode);
    check(same([...row.leden].sort(byCode), members), `${fusie.naam}: members ${JSON.stringify(row.leden)}, API ${JSON.stringify(members)}`);
  }
  const barRow = rows.find((r) => r.sleutel === "bar");
  console.log(`table on ${PEILDATUM}: ${rows.length} fusies; BAR: ${barRow?.leden.map((l) => l.naam).join(", ")}`);
  await shot(await page.$("#fusies"), "2-fusies-2015.png");

  // ---- 3. A municipality's page, opened by clicking a member ----------------------------
  const members = expectedFusies.flatMap((f) => f.deelnames.map((d) => d.gemeente));
  const withLineage = members
    .filter((g) => g.opvolgers.length > 0 || g.voorgangers.length > 0)
    .sort((a, b) => a.naam.localeCompare(b.naam))[0];
  if (check(withLineage, `no member on ${PEILDATUM} has a voorganger or opvolger in the API`)) {
    await page.click(`#fusies-tabel .leden li[data-code="${withLineage.code}"] button`);
    const shown = await showsGemeente(page, withLineage.code);
    check(same(shown.opvolgers, withLineage.opvolgers.map((g) => g.code).sort()), `${withLineage.naam}: opvolgers ${shown.opvolgers}, API ${withLineage.opvolgers.map((g) => g.code)}`);
    check(same(shown.voorgangers, withLineage.voorgangers.map((g) => g.code).sort()), `${withLineage.naam}: voorgangers ${shown.voorgangers}, API ${withLineage.voorgangers.map((g) => g.code)}`);
    const fusiesThroughTime = withLineage.deelnames.map((d) => d.ambtelijkeFusie.sleutel);
    check(same(shown.deelnames, fusiesThroughTime), `${withLineage.naam}: fusies ${shown.deelnames}, API ${fusiesThroughTime}`);
    check(shown.bars === fusiesThroughTime.length, `${withLineage.naam}: ${shown.bars} bars on the timeline for ${fusiesThroughTime.length} deelnames`);
    console.log(`${shown.title}: opvolgers ${shown.opvolgers.join(", ") || "-"}, voorgangers ${shown.voorgangers.join(", ") || "-"}, ${shown.deelnames.length} deelnames`);
    await shot(await page.$("#gemeente"), "3-gemeente-lijn.png");

    // Follow the lineage one step: the successor's page names this municipality as voorganger.
    const next = withLineage.opvolgers[0];
    if (next) {
      await page.click(`#gemeente-inhoud .opvolgers li[data-code="${next.code}"] button`);
      const successor = await showsGemeente(page, next.code);
      check(successor.voorgangers.includes(withLineage.code), `${next.naam} does not list ${withLineage.naam} as voorganger`);
      await shot(await page.$("#gemeente"), "4-gemeente-opvolger.png");
    }
  }

  // ... and by CBS code typed in the form.
  await page.click("#gemeente-zoek", { clickCount: 3 });
  await page.keyboard.type("GM0489");
  await page.keyboard.press("Enter");
  const barendrecht = await showsGemeente(page, "GM0489");
  check(barendrecht.deelnames.includes("bar"), `Barendrecht's page lacks BAR: ${barendrecht.deelnames}`);
  check(page.url().endsWith("gemeente=GM0489"), `the address does not remember the municipality: ${page.url()}`);
  await shot(await page.$("#gemeente"), "5-gemeente-code.png");

  // ---- 4. The live list receives a change made elsewhere --------------------------------
  await page.waitForSelector("#live-status.verbonden", { timeout: 15000 })
    .catch(() => problems.push("the live list did not connect"));
  const { wijzigingen: before } = await api("query CheckAantal { wijzigingen(first: 1) { totalCount } }");
  const { gemeente: target } = await api('query CheckId { gemeente(code: "GM0489") { id } }');
  const sleutel = `voorbeeld-check-${Date.now()}`;
  await api(
    `mutation CheckVoegBronToe($input: VoegBronToeInput!) { voegBronToe(input: $input) { bronnen { sleutel } } }`,
    { input: { entiteit: target.id, bron: { bron: sleutel, titel: "Bron van de browsercheck van /voorbeeld" } } },
    true,
  );
  const { wijzigingen: after } = await api(
    "query CheckNieuw($na: Int!) { wijzigingen(na: $na, first: 10) { edges { node { volgnummer entiteit door } } } }",
    { na: before.totalCount },
  );
  const changes = after.edges.map((e) => e.node);
  check(changes.length > 0, "the mutation logged no change");
  for (const change of changes) {
    const selector = `#live-lijst li[data-volgnummer="${change.volgnummer}"]`;
    const item = await page.waitForSelector(selector, { timeout: 15000 }).catch(() => null);
    if (!check(item, `change #${change.volgnummer} (${change.entiteit}) did not appear in the live list`)) continue;
    const text = await item.evaluate((li) => li.innerText);
    const fresh = await item.evaluate((li) => li.classList.contains("nieuw"));
    check(text.includes(`#${change.volgnummer}`) && text.includes(`door ${change.door}`), `live item reads: ${text}`);
    check(fresh, `change #${change.volgnummer} is not marked as new`);
    console.log(`live list: ${text.replaceAll("\n", " ")}`);
  }
  // The status counts the changes since the page loaded: at least those just made (another
  // client may write at the same time).
  await page.waitForFunction(
    (least) => Number(/(\d+) nieuwe wijziging/.exec(document.querySelector("#live-status").textContent)?.[1] ?? 0) >= least,
    { timeout: 5000 },
    changes.length,
  ).catch(() => problems.push(`the live status does not count ${changes.length} new changes`));
  await shot(await page.$("#live"), "6-live.png");

  // ---- 5. A year picked in the chart shows that date in the table -----------------------
  // Let the refresh that follows a change settle first (the page waits for a burst to end).
  await page.waitForNetworkIdle({ idleTime: 800, timeout: 15000 }).catch(() => {});
  const picked = chart.find((g) => g.jaar === 2010);
  if (check(picked, "no bars for 2010")) {
    await page.click('#grafiek-svg g.jaar[data-jaar="2010"]');
    await page.waitForSelector('#fusies-tabel[data-peildatum="2010-01-01"][aria-busy="false"]', { timeout: 15000 })
      .catch(() => problems.push("clicking 2010 in the chart did not show 2010-01-01 in the table"));
    const count = await page.$$eval("#fusies-tabel tbody tr", (trs) => trs.length);
    const drawn = picked.bars.find((b) => b.reeks === "fusies").totaal;
    check(count === drawn, `2010: the table lists ${count} fusies, the chart's bar ${drawn}`);
    check((await page.$eval("#peildatum", (e) => e.value)) === "2010-01-01", "the date picker does not follow the chart");
  }

  await page.waitForNetworkIdle({ idleTime: 800, timeout: 15000 }).catch(() => {});
  await page.screenshot({ path: join(shots, "7-pagina.png"), fullPage: true });
  console.log(`screenshot: ${join(shots, "7-pagina.png")}`);
} catch (e) {
  problems.push(`${e.name}: ${e.message}`);
} finally {
  await browser.close();
}

/** Waits for the municipality page of `code`, and reads what it shows. */
async function showsGemeente(page, code) {
  await page.waitForSelector(`#gemeente-inhoud .gemeente-naam[data-code="${code}"]`, { timeout: 15000 })
    .catch(() => problems.push(`the page of ${code} did not open`));
  return page.$eval("#gemeente-inhoud", (root) => ({
    title: root.querySelector(".gemeente-naam")?.firstChild.textContent,
    voorgangers: [...root.querySelectorAll(".voorgangers li")].map((li) => li.dataset.code).sort(),
    opvolgers: [...root.querySelectorAll(".opvolgers li")].map((li) => li.dataset.code).sort(),
    deelnames: [...root.querySelectorAll("table.deelnames tbody tr")].map((tr) => tr.dataset.sleutel),
    bars: root.querySelectorAll("svg.tijdlijn rect.deel").length,
  }));
}

// ---- What went over the wire -------------------------------------------------------------

const queriesJs = await (await fetch(`${BASE}/voorbeeld/queries.js`)).text();
const exported = new Set([...queriesJs.matchAll(/export const (\w+) = operation\(/g)].map((m) => m[1]));
console.log(`\nrequests of the page: ${requests.length} (${aborted.length} cancelled by a newer choice)`);
for (const r of requests.filter((r) => r.url !== `${BASE}/graphql`)) {
  console.log(`  ${r.method} ${r.url.startsWith("data:") ? `${r.url.slice(0, 40)}…` : r.url}`);
}
const counts = {};
for (const o of operations) counts[o.name] = (counts[o.name] ?? 0) + 1;
console.log(`operations: ${Object.entries(counts).map(([n, c]) => `${n} ×${c}`).join(", ")}`);
console.log(`websockets: ${sockets.join(", ") || "(none)"}`);
console.log(`console: ${consoleLines.length ? `\n  ${consoleLines.join("\n  ")}` : "(empty)"}`);

check(operations.length > 0, "the page sent no GraphQL operation");
for (const o of operations) {
  check(o.name && o.name === o.declared, `an operation without a matching name: operationName ${o.name}, document ${o.declared}`);
  check(exported.has(o.name), `operation ${o.name} is not one of queries.js`);
}
// data: URLs (Chromium's own icon of the date picker) involve no network.
for (const r of requests) {
  if (!r.url.startsWith(`${BASE}/`) && !r.url.startsWith("data:")) problems.push(`off-site request: ${r.url}`);
}
check(sockets.length > 0, "the page opened no WebSocket");
for (const s of sockets) if (s !== `${WS_BASE}/graphql/ws`) problems.push(`unexpected websocket: ${s}`);
for (const line of consoleLines) if (/^(error|warn|pageerror)/.test(line)) problems.push(`console ${line}`);

console.log(problems.length ? `\nFAILED:\n  ${problems.join("\n  ")}` : "\nOK: the page shows what the API answers, and every request went to the server");
process.exit(problems.length ? 1 : 0);
