#!/usr/bin/env node
// Attacks a running server as a hostile client would (issue 9, "How it is checked"), and exits 1
// on any defect:
//
//   1. a schema fuzzer: for every root Query field, generated requests with arbitrary values for
//      every argument (Unicode, NUL, lone surrogates, 100k-character strings, huge and negative
//      numbers, wrong types, evil cursors, deeply nested values), inline and as variables;
//   2. query bombs, each of which must be refused with a coded error, timed on an idle server,
//      and sent in parallel while a normal query's latency is measured;
//   3. a burst of concurrent page queries (overload may be shed with 503 + Retry-After);
//   4. slow clients over raw sockets: half-sent heads, trickled heads, idle keep-alives, and
//      clients that ask for large answers and never read them;
//   5. the graphql-transport-ws close codes (4400, 4401, 4408, 4409, 4429) and their lengths.
//
//   node tools/clients/attack.mjs http://127.0.0.1:8080 [--pid PID] [--header-timeout 1s]
//        [--ws-init-timeout 10s] [--seed N] [--cases N] [--concurrency N] [--only-case N]
//
// --pid: the server's process; its RSS (VmRSS) is read before, at peak during and after the load.
// --header-timeout / --ws-init-timeout: what the server was started with (defaults: the server's
// defaults, 10 s each); they bound how long this script waits for the server to close a socket.
// --only-case N: send fuzz case N of the seed alone and print it with its answer (to reproduce).
// Timing figures are reported; only answers slower than 1 s fail, because CI machines are shared.
//
// A defect: no answer or a cut-off one, a 5xx other than 503 with Retry-After, a body that is
// not JSON, an error without extensions.code, INTERNAL_SERVER_ERROR, database or panic text in a
// message, a bomb answered with data, a socket the server leaves open past its timeout, a wrong
// WebSocket close code or a close reason over 123 bytes, RSS above 400 MB. Every failing fuzz
// request is written in full to a JSON file in the temporary directory.

import http from "node:http";
import net from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isUnionType,
  MaxIntrospectionDepthRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import WebSocket from "ws";

// ---------------------------------------------------------------------------------------------
// Options and bookkeeping
// ---------------------------------------------------------------------------------------------

const REFUSAL_TARGET_MS = 50; // issue 9's bound per refusal: reported
const FAIL_MS = 1000; // what fails the run: well above the noise of a shared machine
const RSS_LIMIT_MB = 400;
const NORMAL_QUERY = '{ gemeente(code: "GM0363") { naam } }';
// Text that only a database driver or a Rust panic would put in an error message. PostgreSQL's
// parser says "syntax error at or near" / "at end of input"; the server's own "syntax error at
// line 1, column 9" about a malformed JSON body is its wording, not the database's.
const LEAK = /sqlx|sqlite|postgres|syntax error at (or near|end of input)|panicked/i;

function parseSeconds(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(String(text).trim());
  if (!match) throw new Error(`not a duration: ${text}`);
  return match[2] === "ms" ? Number(match[1]) / 1000 : Number(match[1]);
}

function parseArgs(argv) {
  const options = {
    base: "http://127.0.0.1:8080",
    pid: null,
    seed: 20160113, // the date of "Samen sterker, maar toch apart"
    cases: 4000,
    concurrency: 8,
    headerTimeout: 10,
    wsInitTimeout: 10,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === "--pid") options.pid = Number(value());
    else if (arg === "--seed") options.seed = Number(value()) >>> 0;
    else if (arg === "--cases") options.cases = Number(value());
    else if (arg === "--only-case") options.onlyCase = Number(value());
    else if (arg === "--concurrency") options.concurrency = Number(value());
    else if (arg === "--header-timeout") options.headerTimeout = parseSeconds(value());
    else if (arg === "--ws-init-timeout") options.wsInitTimeout = parseSeconds(value());
    else if (arg.startsWith("http")) options.base = arg.replace(/\/$/, "");
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
const base = new URL(options.base);
const summary = []; // lines printed at the end, one per figure
const defects = new Map(); // "section problem" → { section, problem, repro, times }

// Records a defect once however often it recurs (a failing normal query fails many times).
function defect(section, problem, repro = undefined) {
  const key = `${section} ${problem}`;
  const known = defects.get(key);
  if (known) known.times += 1;
  else defects.set(key, { section, problem, repro, times: 1 });
}

function log(line) {
  console.log(line);
}

const median = (values) => percentile(values, 50);
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (value) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "n/a");
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

// Runs `worker(i)` for i in 0..count with at most `concurrency` at once.
async function pool(count, concurrency, worker) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await worker(next++);
  });
  await Promise.all(lanes);
}

// ---------------------------------------------------------------------------------------------
// Memory of the server process
// ---------------------------------------------------------------------------------------------

function readRssKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : null;
  } catch {
    return null; // the process is gone: reported by the checks that talk to it
  }
}

// Samples RSS every 100 ms so that the peak of a short burst is not missed.
function startRssSampler(pid) {
  const sampler = { peakKb: 0, peakPhase: "", phase: "start", timer: null };
  if (!pid) return sampler;
  sampler.timer = setInterval(() => {
    const rss = readRssKb(pid);
    if (rss !== null && rss > sampler.peakKb) {
      sampler.peakKb = rss;
      sampler.peakPhase = sampler.phase;
    }
  }, 100);
  sampler.timer.unref();
  return sampler;
}

// ---------------------------------------------------------------------------------------------
// HTTP: one fresh connection per request, so that a reset is always the server's doing and never
// a race with a keep-alive connection the server closed while idle.
// ---------------------------------------------------------------------------------------------

function request({ method = "POST", path = "/graphql", body = null, headers = {}, timeoutMs = 15000 }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const payload = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    const allHeaders = { accept: "application/json", ...headers };
    if (payload) {
      allHeaders["content-type"] ??= "application/json";
      allHeaders["content-length"] = payload.length;
    }
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, ...result });
    };
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, headers: allHeaders, agent: false },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          finish({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", (error) => finish({ error: `response cut off (${error.code ?? error.message})` }));
      },
    );
    const timer = setTimeout(() => {
      finish({ error: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) => finish({ error: `no answer (${error.code ?? error.message})` }));
    req.end(payload ?? undefined);
  });
}

const postJson = (document, extra = {}) => request({ body: JSON.stringify({ query: document, ...extra }) });

// The problems of one answer by the rules every answer must keep, whatever was asked.
function problemsOf(response) {
  if (response.error) return [response.error];
  const problems = [];
  const { status } = response;
  if (status >= 500 && !(status === 503 && response.headers["retry-after"])) {
    problems.push(`HTTP ${status}${status === 503 ? " without Retry-After" : ""}`);
  }
  let body;
  try {
    body = JSON.parse(response.text);
  } catch {
    problems.push(`HTTP ${status} with a body that is not JSON: ${JSON.stringify(response.text.slice(0, 120))}`);
    return problems;
  }
  const results = Array.isArray(body) ? body : [body];
  if (status >= 400 && !results.some((result) => result?.errors?.length)) {
    problems.push(`HTTP ${status} without a GraphQL error`);
  }
  for (const result of results) {
    for (const error of result?.errors ?? []) {
      const code = error?.extensions?.code;
      const message = String(error?.message ?? "");
      if (typeof code !== "string" || code === "") {
        problems.push(`error without extensions.code: ${JSON.stringify(message.slice(0, 120))}`);
      } else if (code === "INTERNAL_SERVER_ERROR") {
        problems.push(`INTERNAL_SERVER_ERROR: ${JSON.stringify(message.slice(0, 120))}`);
      }
      if (LEAK.test(message)) problems.push(`database or panic text in an error: ${JSON.stringify(message.slice(0, 160))}`);
    }
  }
  return problems;
}

// The codes of an answer, for the tallies: "data" when it answered without errors.
function codesOf(response) {
  if (response.error) return ["no answer"];
  try {
    const body = JSON.parse(response.text);
    const errors = (Array.isArray(body) ? body : [body]).flatMap((result) => result?.errors ?? []);
    if (errors.length === 0) return [`HTTP ${response.status} data`];
    return [...new Set(errors.map((error) => `HTTP ${response.status} ${error?.extensions?.code ?? "uncoded"}`))];
  } catch {
    return [`HTTP ${response.status} not JSON`];
  }
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: every fuzz case has its own generator, derived from the seed and the
// case number, so that one case can be reproduced alone.
// ---------------------------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFor(seed, caseNumber) {
  const next = mulberry32((seed ^ Math.imul(caseNumber + 1, 0x9e3779b1)) >>> 0);
  const random = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
  return random;
}

// ---------------------------------------------------------------------------------------------
// Values, written once and rendered either as a GraphQL literal or as JSON for variables
// ---------------------------------------------------------------------------------------------

// A number written as text, so that it can exceed what a JavaScript number holds.
class Raw {
  constructor(text) {
    this.text = text;
  }
}
// An enum literal inline; a string in JSON.
class EnumLiteral {
  constructor(name) {
    this.name = name;
  }
}

// A GraphQL string literal. Characters below U+0020 and lone surrogates are escaped (a lone
// surrogate cannot be written in UTF-8 at all); everything else goes in as it is.
function graphqlString(text) {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    const nextUnit = text.charCodeAt(i + 1);
    if (isHigh && nextUnit >= 0xdc00 && nextUnit <= 0xdfff) {
      out += text[i] + text[i + 1];
      i++;
    } else if (isHigh || isLow || unit < 0x20) {
      out += `\\u${unit.toString(16).padStart(4, "0")}`;
    } else if (text[i] === '"' || text[i] === "\\") {
      out += `\\${text[i]}`;
    } else {
      out += text[i];
    }
  }
  return `${out}"`;
}

function toGraphql(value) {
  if (value instanceof Raw) return value.text;
  if (value instanceof EnumLiteral) return value.name;
  if (Array.isArray(value)) return `[${value.map(toGraphql).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([key, item]) => `${key}: ${toGraphql(item)}`).join(", ")}}`;
  }
  if (typeof value === "string") return graphqlString(value);
  return String(value);
}

// JSON.stringify escapes NUL and lone surrogates (\ud800) as the JSON spec allows.
function toJson(value) {
  if (value instanceof Raw) return value.text;
  if (value instanceof EnumLiteral) return JSON.stringify(value.name);
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// Characters by kind; a generated string draws from one or more of these.
const ALPHABETS = [
  [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"],
  [..."éèëêàáäâçñöüßĳŉÆØÅ"], // two bytes in UTF-8: byte offsets that are not char boundaries
  [..."日本語中文한국어ภาษา"],
  [..."😀👍🏽🇳🇱👨‍👩‍👧𝔘𝔫𝔦"], // astral plane, joiners, flags
  ["\u0301", "\u0308", "\u200b", "\u200d", "\u202e", "\ufeff", "\ufffd", "\uffff"],
  [..."'\"\\%_;-*/`$(){}[]<>&|"], // SQL, LIKE and shell specials
  ["\u0000", "\u0001", "\u001f", "\u007f", "\n", "\r", "\t", "\u2028"],
  ["\ud800", "\udbff", "\udc00", "\udfff"], // lone surrogates
  [..."0123456789０１２３٣٤"], // digits, also fullwidth and Arabic-Indic
];

function randomString(random, length) {
  const kinds = Array.from({ length: random.int(1, 3) }, () => random.pick(ALPHABETS));
  let out = "";
  for (let i = 0; i < length; i++) out += random.pick(random.pick(kinds));
  return out;
}

function longString(random) {
  // 100,000 UTF-16 units of one character kind, or of a mix.
  const unit = random.pick(["a", "é", "😀", "\u0000", "GM0363", randomString(random, 7)]);
  return unit.repeat(Math.ceil(100000 / unit.length)).slice(0, 100000);
}

const b64 = (text) => Buffer.from(text, "utf8").toString("base64");
const EVIL_NUMBERS = [
  "9223372036854775807", "9223372036854775808", "-1", "-9223372036854775808", "18446744073709551616",
  "99999999999999999999999999", "0", "1e3", "1.5", "", "abc", "0x10", " 1", "1\u0000", "é", "-0", "NaN",
];

// Cursors a hostile client would forge: the server's own form with evil numbers, and garbage.
function cursorValues(known) {
  const prefixes = new Set(["offset:"]);
  for (const cursor of known.cursors) {
    const decoded = Buffer.from(cursor, "base64").toString("utf8");
    const match = /^(.*?)-?\d+$/.exec(decoded);
    if (match) prefixes.add(match[1]);
  }
  const cursors = [...known.cursors, "", "!!!!", "====", "b2Zmc2V0", "b2Zmc2V0Oi0x", "%%%", "😀", "a", "\u0000"];
  for (const prefix of prefixes) {
    for (const number of EVIL_NUMBERS) {
      const encoded = b64(prefix + number);
      cursors.push(encoded, encoded.replace(/=+$/, ""), encoded.replace(/\+/g, "-").replace(/\//g, "_"));
    }
  }
  cursors.push(b64("\u0000\u0001\u00ff"), Buffer.from([0xff, 0xfe, 0x80, 0x00]).toString("base64"));
  return cursors;
}

function stringValue(random, argName, known) {
  const roll = random.next();
  if (roll < 0.02) return longString(random);
  if (/after|before|cursor/i.test(argName) && roll < 0.7) return random.pick(known.cursorValues);
  if (roll < 0.35) return random.pick(known.specialStrings);
  if (roll < 0.45) return random.pick(known.cursorValues);
  if (roll < 0.5) return random.pick(known.ids);
  return randomString(random, random.pick([0, 1, 2, 6, 6, 12, 40, 300]));
}

const INTS = [
  0, 1, -1, 2, 25, 99, 100, 101, 1000, 2147483647, -2147483648, new Raw("2147483648"), new Raw("-2147483649"),
  new Raw("9007199254740993"), new Raw("9223372036854775807"), new Raw("9223372036854775808"),
  new Raw("-9223372036854775809"), new Raw(`1${"0".repeat(400)}`), 1.5, -0.5, new Raw("1e3"), new Raw("1e400"),
  new Raw("-0"), new Raw("0.0"), new Raw("-1e-400"),
];

const DATES = [
  "2015-01-01", "2023-01-01", "2016-01-13", "+10000-01-01", "10000-01-01", "0000-01-01", "0001-01-01", "9999-12-31",
  "-0001-01-01", "2015-02-29", "2016-02-29", "2015-02-30", "2015-13-01", "2015-00-10", "2015-1-1", "20150101",
  "2015-01-01T00:00:00Z", "２０１５-01-01", "2015-01-01\u0000", " 2015-01-01", "", "now", "1970-01-01",
  "999999999-12-31", "2015-W01", "2015-001",
];

const DATE_TIMES = [
  "2024-01-01T00:00:00Z", "2024-01-01T00:00:00+01:00", "+10000-01-01T00:00:00Z", "0001-01-01T00:00:00-23:59",
  "9999-12-31T23:59:59.999999999+14:00", "2024-01-01T25:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01", "2024-01-01T00:00:00",
  "1970-01-01T00:00:00Z", "", "2024-01-01T00:00:00Z\u0000", "2024-01-01 00:00:00Z",
];

// Nested objects or lists of the given depth, for "deeply nested input" and wrong types.
function nested(depth, asList) {
  let value = asList ? [] : {};
  for (let i = 0; i < depth; i++) value = asList ? [value] : { a: value };
  return value;
}

// A value of a type other than the one expected, or an absurd shape.
function wrongValue(random, known) {
  switch (random.int(0, 9)) {
    case 0: return randomString(random, random.int(0, 20));
    case 1: return random.pick(INTS);
    case 2: return random.chance(0.5);
    case 3: return null;
    case 4: return new EnumLiteral(random.pick(["GM0363", "TRUE", "null_", "VOLLEDIG", "x".repeat(300)]));
    case 5: return [random.pick(INTS), randomString(random, 3), null];
    case 6: return nested(random.pick([1, 2, 10, 64, 200, 1000]), false);
    case 7: return nested(random.pick([1, 2, 10, 64, 200, 1000]), true);
    case 8: return { code: "GM0363", first: 1, [randomString(random, 3).replace(/[^A-Za-z]/g, "") || "x"]: [] };
    default: return random.pick(known.specialStrings);
  }
}

// A value for an argument of `type`: mostly of that type (with evil contents), sometimes not.
function valueFor(type, random, argName, known, depth = 0) {
  if (random.chance(0.15)) return wrongValue(random, known);
  if (isNonNullType(type)) {
    return random.chance(0.05) ? null : valueFor(type.ofType, random, argName, known, depth);
  }
  if (isListType(type)) {
    if (random.chance(0.1)) return valueFor(type.ofType, random, argName, known, depth); // a bare item
    const length = random.pick([0, 1, 2, 5, 20, 101, 150]);
    return Array.from({ length }, () => valueFor(type.ofType, random, argName, known, depth));
  }
  if (isEnumType(type)) {
    const names = type.getValues().map((value) => value.name);
    const name = random.pick([...names, names[0].toLowerCase(), "ONBEKEND_X", "__proto__"]);
    return new EnumLiteral(name);
  }
  if (isInputObjectType(type)) {
    if (depth > 4) return {};
    const value = {};
    for (const field of Object.values(type.getFields())) {
      if (random.chance(0.8)) value[field.name] = valueFor(field.type, random, field.name, known, depth + 1);
    }
    return value;
  }
  switch (type.name) {
    case "Int":
    case "Float":
      return random.pick(INTS);
    case "Boolean":
      return random.chance(0.5);
    case "Date":
      return random.chance(0.85) ? random.pick(DATES) : stringValue(random, argName, known);
    case "DateTime":
      return random.chance(0.85) ? random.pick(DATE_TIMES) : stringValue(random, argName, known);
    default: // String, ID and any other scalar
      return stringValue(random, argName, known);
  }
}

// ---------------------------------------------------------------------------------------------
// The schema, as any client sees it
// ---------------------------------------------------------------------------------------------

async function introspect() {
  const response = await postJson(getIntrospectionQuery({ descriptions: false }));
  if (response.error || response.status !== 200) {
    throw new Error(`introspection failed: ${response.error ?? `HTTP ${response.status} ${response.text.slice(0, 200)}`}`);
  }
  return buildClientSchema(JSON.parse(response.text).data);
}

// A selection that is valid for `type`: every leaf, and objects two levels down, so that the
// fuzzed arguments reach real resolvers (and their SQL) rather than only validation.
function selectionFor(type, depth = 0) {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  if (isUnionType(named)) return "{ __typename }";
  const parts = ["__typename"];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    if (isLeafType(getNamedType(field.type))) parts.push(field.name);
    else if (depth < 2) parts.push(`${field.name} ${selectionFor(field.type, depth + 1)}`);
  }
  return `{ ${parts.join(" ")} }`;
}

// Real cursors and IDs, so that forged ones can follow their form.
async function learnFromServer() {
  const known = { cursors: [], ids: [] };
  const response = await postJson(
    '{ gemeenten(first: 3) { edges { cursor node { id } } } ambtelijkeFusies(first: 3) { edges { cursor node { id } } } }',
  );
  try {
    const data = JSON.parse(response.text).data ?? {};
    for (const connection of Object.values(data)) {
      for (const edge of connection?.edges ?? []) {
        known.cursors.push(edge.cursor);
        known.ids.push(edge.node.id);
      }
    }
  } catch {
    // no real ones: the forged ones below are enough
  }
  const forgedIds = [];
  for (const id of known.ids) {
    const decoded = Buffer.from(id, "base64").toString("utf8");
    const kind = decoded.split(":")[0];
    forgedIds.push(b64(`${kind}:`), b64(`${kind}:aé123`), b64(`${kind}:${"9".repeat(30)}`), b64(`${kind}:\u0000`), b64(`Onbekend:${decoded}`));
  }
  known.ids.push(...forgedIds, "", "R2VtZWVudGU6R00wMzYz", "!!!", "😀");
  known.specialStrings = [
    "", " ", "GM0363", "gm0363", "GM036", "GM03633", "aé123", "GMé363", "GM０３６３", "GM0363\u0000", "\u0000", "PV27",
    "PV2é", "bar", "BAR", "bar\u0000", "%", "_", "%%", "' OR '1'='1", "'; DROP TABLE gemeente; --", "\\", "\\%",
    "null", "NaN", "-1", "9223372036854775808", "🇳🇱", "\ud800", "GM\ud8000363", "é", "e\u0301", "ǅ", "İ", "ß",
    "\u202eGM0363", "GM0363 ", "${x}", "{{x}}", "<script>", "../../etc/passwd", "a".repeat(5000),
  ];
  known.cursorValues = cursorValues(known);
  return known;
}

// ---------------------------------------------------------------------------------------------
// 1. The schema fuzzer
// ---------------------------------------------------------------------------------------------

// One request for `field`, with its arguments inline or as variables (and sometimes over GET).
// With `minimal`, the same arguments (the selection draws no random numbers) under the smallest
// selection: the shorter reproduction of a failure.
function fuzzCase(field, caseNumber, known, { minimal = false } = {}) {
  const random = randomFor(options.seed, caseNumber);
  const asVariables = random.chance(0.5);
  const args = [];
  for (const arg of field.args) {
    const required = isNonNullType(arg.type);
    if (random.chance(required ? 0.03 : 0.3)) continue; // leave it out (for a required one: invalid)
    args.push({ arg, value: valueFor(arg.type, random, arg.name, known) });
  }
  const selection = !minimal ? selectionFor(field.type) : isLeafType(getNamedType(field.type)) ? "" : "{ __typename }";
  let document;
  let variables;
  if (asVariables) {
    variables = {};
    const definitions = args.map(({ arg }, i) => {
      // Now and then a variable declared with the wrong type: the document is then invalid.
      const declared = random.chance(0.05) ? random.pick(["Int", "String!", "[String]", "Boolean"]) : String(arg.type);
      return `$v${i}: ${declared}`;
    });
    args.forEach(({ value }, i) => {
      if (!random.chance(0.03)) variables[`v${i}`] = value; // now and then declared but not given
    });
    const call = args.map(({ arg }, i) => `${arg.name}: $v${i}`);
    const head = definitions.length ? `query Fuzz(${definitions.join(", ")})` : "query Fuzz";
    document = `${head} { ${field.name}${call.length ? `(${call.join(", ")})` : ""} ${selection} }`;
  } else {
    const call = args.map(({ arg, value }) => `${arg.name}: ${toGraphql(value)}`);
    if (random.chance(0.03)) call.push(`onbekend: ${toGraphql(wrongValue(random, known))}`);
    document = `query Fuzz { ${field.name}${call.length ? `(${call.join(", ")})` : ""} ${selection} }`;
  }
  const variablesJson = variables ? toJson(variables) : null;
  const accept = random.pick(["application/json", "application/graphql-response+json", "*/*"]);
  const query = new URLSearchParams({ query: document, ...(variablesJson ? { variables: variablesJson } : {}) });
  if (random.chance(0.1) && query.toString().length < 6000) {
    return { method: "GET", path: `/graphql?${query}`, headers: { accept } };
  }
  const body = `{"query":${JSON.stringify(document)}${variablesJson ? `,"variables":${variablesJson}` : ""},"operationName":"Fuzz"}`;
  return { method: "POST", path: "/graphql", body, headers: { accept } };
}

// The request as a curl command line (bodies are JSON with every control character escaped,
// so they survive a shell's single quotes).
function curlFor(req, limit = Infinity) {
  const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`;
  const cut = (text) => (text.length > limit ? `${text.slice(0, limit)}…(${kb(Buffer.byteLength(text))} in all)` : text);
  const accept = `-H ${quote(`accept: ${req.headers?.accept ?? "application/json"}`)}`;
  if (req.method === "GET") return `curl -sS ${accept} ${quote(cut(`${options.base}${req.path}`))}`;
  return `curl -sS ${accept} -H 'content-type: application/json' ${quote(`${options.base}${req.path}`)} --data-raw ${quote(cut(req.body))}`;
}

// Sends one fuzz case and prints it with its answer: to reproduce a failure.
async function replayCase(schema, known, caseNumber) {
  const fields = Object.values(schema.getQueryType().getFields());
  const req = fuzzCase(fields[caseNumber % fields.length], caseNumber, known);
  const response = await request(req);
  log(curlFor(req));
  log(`-> ${response.error ?? `HTTP ${response.status} ${response.text}`}`);
  log(`problems: ${problemsOf(response).join("; ") || "none"}`);
  return problemsOf(response).length ? 1 : 0;
}

async function runFuzzer(schema, known) {
  const fields = Object.values(schema.getQueryType().getFields());
  const tallies = new Map();
  const perField = new Map(fields.map((field) => [field.name, 0]));
  const failures = [];
  let shed = 0;
  const started = performance.now();
  log(`--- fuzzer: seed ${options.seed}, ${options.cases} cases over ${fields.length} root fields, concurrency ${options.concurrency}`);
  await pool(options.cases, options.concurrency, async (caseNumber) => {
    const field = fields[caseNumber % fields.length];
    const req = fuzzCase(field, caseNumber, known);
    const response = await request(req);
    perField.set(field.name, perField.get(field.name) + 1);
    for (const code of codesOf(response)) tallies.set(code, (tallies.get(code) ?? 0) + 1);
    if (response.status === 503) shed += 1;
    const problems = problemsOf(response);
    if (problems.length) failures.push({ caseNumber, field: field.name, problems, req, status: response.status, text: response.text });
  });
  const seconds = (performance.now() - started) / 1000;
  log(`fuzzer: ${options.cases} requests in ${seconds.toFixed(1)} s (${(options.cases / seconds).toFixed(0)}/s), ${failures.length} with problems, ${shed} shed with 503`);
  const outcomes = [...tallies.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ×${n}`);
  log(`fuzzer outcomes: ${outcomes.join(", ")}`);
  summary.push(`fuzzer: seed ${options.seed}, ${options.cases} requests over ${fields.length} root fields, ${failures.length} defective answers, ${shed} shed (503)`);
  await reportFuzzFailures(failures, fields, known);
}

// Groups failures by problem, so that one defect hit a thousand times reads as one.
async function reportFuzzFailures(failures, fields, known) {
  if (failures.length === 0) return;
  const file = join(tmpdir(), `attack-fuzz-failures-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(failures.map((failure) => ({ ...failure, curl: curlFor(failure.req) })), null, 2));
  const groups = new Map();
  for (const failure of failures) {
    for (const problem of failure.problems) {
      const key = `${failure.field}: ${problem.replace(/: .*/, "")}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ failure, problem });
    }
  }
  for (const [key, hits] of groups) {
    const { failure, problem } = hits[0];
    // Prefer the same case under a minimal selection when it fails the same way.
    const field = fields[failure.caseNumber % fields.length];
    const shorter = fuzzCase(field, failure.caseNumber, known, { minimal: true });
    const again = problemsOf(await request(shorter));
    const req = again.some((p) => p.replace(/: .*/, "") === problem.replace(/: .*/, "")) ? shorter : failure.req;
    defect(
      "fuzzer",
      `${key} (${hits.length} cases; first: case ${failure.caseNumber}, ${problem})`,
      `${curlFor(req, 600)}   # or: --seed ${options.seed} --only-case ${failure.caseNumber}`,
    );
  }
  log(`fuzzer: every failing request in full in ${file}`);
}

// ---------------------------------------------------------------------------------------------
// 2. Bombs
// ---------------------------------------------------------------------------------------------

const range = (n) => Array.from({ length: n }, (_, i) => i);

// Each bomb: a name, the request, and whether it is valid GraphQL (then only a limit can refuse it).
function bombs(schema) {
  const page = schema.getType("GemeenteConnection")?.getFields().nodes ? "nodes" : "edges { node";
  const close = page === "nodes" ? "}" : "} }";
  const pageBody = `gemeenten(first: 100) { ${page} { code naam begindatum einddatum provincie { code naam } voorgangers { code naam } opvolgers { code naam } deelnames { rol begindatum einddatum } ${close} }`;
  const fragments = range(28).map((i) => `fragment D${i} on Gemeente { ...D${i + 1} ...D${i + 1} }`);
  const list = [
    {
      name: "fragments, each spreading the next twice, 28 deep",
      document: `query { gemeente(code: "GM0363") { ...D0 } } ${fragments.join(" ")} fragment D28 on Gemeente { naam }`,
    },
    { name: "10,000 aliases of a field", document: `{ ${range(10000).map((i) => `a${i}:provincies{code}`).join(" ")} }`, valid: true },
    { name: "150 aliases of a nested page of 100", document: `{ ${range(150).map((i) => `p${i}: ${pageBody}`).join(" ")} }`, valid: true },
    {
      name: "selections nested 500 deep",
      document: `{ gemeente(code: "GM0363") { ${"voorgangers { ".repeat(499)}code${" }".repeat(499)} } }`,
      valid: true,
    },
    { name: "braces nested 500 deep", document: `${"{".repeat(500)}${"}".repeat(500)}` },
    { name: "a list value nested 20,000 deep", document: `{ gemeente(code: ${"[".repeat(20000)}${"]".repeat(20000)}) { naam } }` },
    { name: "250 KB of tokens", document: `{ gemeente(code: "GM0363") { ${"naam ".repeat(50000)}} }` },
    {
      name: "introspection bomb",
      document: `{ __schema { types { ${"fields { type { ".repeat(10)}name${" } }".repeat(10)} } } }`,
      valid: true,
    },
    {
      name: "fragment cycle",
      document: `query { gemeente(code: "GM0363") { ...A } } fragment A on Gemeente { naam ...B } fragment B on Gemeente { code ...A }`,
    },
    { name: "a directive repeated 10,000 times", document: `{ gemeente(code: "GM0363") { naam ${"@include(if: true) ".repeat(10000)}} }` },
    {
      name: "a body over 256 KB",
      body: JSON.stringify({ query: NORMAL_QUERY, variables: { pad: "x".repeat(300 * 1024) } }),
    },
    { name: "a batch of 1,000 operations", body: JSON.stringify(range(1000).map(() => ({ query: NORMAL_QUERY }))) },
  ];
  for (const bomb of list) {
    bomb.body ??= JSON.stringify({ query: bomb.document });
    // A bomb meant to be valid GraphQL must be, or the server refuses it for the wrong reason.
    // (graphql-js's own introspection depth limit is left out: the server has its own.)
    if (bomb.valid) {
      const rules = specifiedRules.filter((rule) => rule !== MaxIntrospectionDepthRule);
      const errors = validate(schema, parse(bomb.document), rules);
      if (errors.length) throw new Error(`bomb "${bomb.name}" is not valid GraphQL: ${errors[0].message}`);
    }
  }
  return list;
}

// A refusal: an answer (no 5xx), coded errors, and no data. Shedding (503) is allowed only when
// other requests run at the same time.
function refusalProblems(response, { idle }) {
  const problems = problemsOf(response);
  if (response.error || problems.length) return problems;
  if (response.status === 503 && idle) return ["HTTP 503 (shed) on an idle server"];
  const body = JSON.parse(response.text);
  const results = Array.isArray(body) ? body : [body];
  const refused = results.every((result) => result?.errors?.length && (result.data === null || result.data === undefined));
  return refused ? [] : ["answered with data instead of refusing"];
}

async function timeBombs(list) {
  log("\n--- bombs, 5 tries each on an idle server (bound: 50 ms per refusal; fail above 1 s)");
  const slow = [];
  let worstOfAll = { ms: 0, name: "" };
  for (const bomb of list) {
    const times = [];
    let codes = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await request({ body: bomb.body });
      times.push(response.ms);
      codes = codesOf(response);
      const problems = refusalProblems(response, { idle: true });
      if (problems.length) defect("bombs", `${bomb.name}: ${problems.join("; ")}`, `POST /graphql with a ${kb(bomb.body.length)} body: ${bomb.body.slice(0, 300)}…`);
    }
    const worst = Math.max(...times);
    const mark = worst > FAIL_MS ? "  FAIL > 1 s" : worst > REFUSAL_TARGET_MS ? "  > 50 ms" : "";
    const line = `${bomb.name.padEnd(52)} ${kb(bomb.body.length).padStart(9)}  median ${ms(median(times)).padStart(9)}  max ${ms(worst).padStart(9)}  ${codes.join(", ")}${mark}`;
    log(line);
    if (worst > REFUSAL_TARGET_MS) slow.push(`${bomb.name} (max ${ms(worst)})`);
    if (worst > worstOfAll.ms) worstOfAll = { ms: worst, name: bomb.name };
    if (worst > FAIL_MS) defect("bombs", `${bomb.name}: refused only after ${ms(worst)}`, `POST /graphql ${bomb.body.slice(0, 300)}…`);
  }
  summary.push(
    `bombs: ${list.length} kinds × 5 tries; slowest refusal ${ms(worstOfAll.ms)} (${worstOfAll.name}); ` +
      `above 50 ms: ${slow.length ? slow.join(", ") : "none"}`,
  );
}

// The latency of the normal query, `count` times one after the other.
async function normalLatencies(count, { pauseMs = 0, until = null } = {}) {
  const times = [];
  let shed = 0;
  for (let i = 0; until ? !until() : i < count; i++) {
    const response = await postJson(NORMAL_QUERY);
    if (response.status === 503 && response.headers["retry-after"]) {
      shed += 1;
    } else {
      let naam;
      try {
        naam = JSON.parse(response.text).data?.gemeente?.naam;
      } catch {
        naam = undefined;
      }
      if (!naam) defect("latency", `the normal query failed: ${response.error ?? `HTTP ${response.status} ${response.text?.slice(0, 200)}`}`, NORMAL_QUERY);
      times.push(response.ms);
    }
    if (pauseMs) await sleep(pauseMs);
  }
  return { times, shed };
}

// Bombs from `workers` clients at once, while the normal query is timed.
async function bombsInParallel(list, idle) {
  const workers = 4;
  const seconds = 6;
  let stop = false;
  let sent = 0;
  const bombProblems = [];
  const bombers = range(workers).map(async (worker) => {
    for (let i = worker; !stop; i++) {
      const bomb = list[i % list.length];
      const response = await request({ body: bomb.body });
      sent += 1;
      const problems = refusalProblems(response, { idle: false });
      if (problems.length) bombProblems.push(`${bomb.name}: ${problems.join("; ")}`);
    }
  });
  await sleep(200); // let the bombs land first
  const deadline = performance.now() + seconds * 1000;
  const loaded = await normalLatencies(0, { pauseMs: 20, until: () => performance.now() > deadline });
  stop = true;
  await Promise.all(bombers);
  for (const problem of new Set(bombProblems)) defect("bombs in parallel", problem);
  const ratio = median(loaded.times) / median(idle.times);
  const line =
    `normal query: idle median ${ms(median(idle.times))} p95 ${ms(percentile(idle.times, 95))}; ` +
    `with ${workers} clients sending bombs (${sent} bombs in ${seconds} s): median ${ms(median(loaded.times))} ` +
    `p95 ${ms(percentile(loaded.times, 95))} max ${ms(Math.max(...loaded.times))}, ratio ${ratio.toFixed(2)}×, ` +
    `${loaded.times.length} answered, ${loaded.shed} shed (503)`;
  log(`\n${line}`);
  summary.push(
    `normal query: idle median ${ms(median(idle.times))}; beside ${sent} bombs from ${workers} clients median ` +
      `${ms(median(loaded.times))}, max ${ms(Math.max(...loaded.times))} (ratio ${ratio.toFixed(2)}×), ${loaded.shed} shed`,
  );
  const slowest = Math.max(...loaded.times);
  if (slowest > FAIL_MS) defect("bombs in parallel", `the normal query took ${ms(slowest)} while bombs were sent`, NORMAL_QUERY);
  if (loaded.times.length === 0) defect("bombs in parallel", "the normal query never answered while bombs were sent", NORMAL_QUERY);
}

// ---------------------------------------------------------------------------------------------
// 3. A burst of concurrent page queries
// ---------------------------------------------------------------------------------------------

async function burst() {
  const count = 400;
  const document = "{ gemeenten(first: 100) { totalCount edges { cursor node { id code naam begindatum einddatum provincie { code naam } } } } }";
  const started = performance.now();
  const responses = await Promise.all(range(count).map(() => request({ body: JSON.stringify({ query: document }), timeoutMs: 30000 })));
  const seconds = (performance.now() - started) / 1000;
  const tallies = new Map();
  const problems = new Map();
  for (const response of responses) {
    for (const code of codesOf(response)) tallies.set(code, (tallies.get(code) ?? 0) + 1);
    for (const problem of problemsOf(response)) problems.set(problem, (problems.get(problem) ?? 0) + 1);
  }
  const line = `burst: ${count} concurrent page queries (first: 100) in ${seconds.toFixed(1)} s: ${[...tallies].map(([code, n]) => `${code} ×${n}`).join(", ")}; slowest ${ms(Math.max(...responses.map((r) => r.ms)))}`;
  log(`\n--- ${line}`);
  summary.push(line);
  for (const [problem, n] of problems) defect("burst", `${problem} (${n} of ${count})`, `POST /graphql ${JSON.stringify({ query: document })}`);
}

// ---------------------------------------------------------------------------------------------
// 4. Slow clients, over raw sockets
// ---------------------------------------------------------------------------------------------

// Opens a socket and resolves when it is open; `closed` resolves with the seconds until the
// server closed it (or null when this script destroyed it first).
function openSocket() {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: base.hostname, port: Number(base.port) });
    const opened = performance.now();
    let settle;
    const closed = new Promise((r) => (settle = r));
    socket.on("error", () => {}); // a reset is a close too
    socket.resume(); // read and drop whatever the server sends (e.g. a 408), so that its close is seen
    socket.on("close", () => settle(socket.destroyedByUs ? null : (performance.now() - opened) / 1000));
    socket.once("connect", () => resolve({ socket, closed }));
    socket.once("error", reject);
  });
}

async function closeTimes(sockets, deadlineSeconds) {
  const timeout = sleep(deadlineSeconds * 1000).then(() => "open");
  const outcomes = await Promise.all(sockets.map(({ closed }) => Promise.race([closed, timeout])));
  const times = outcomes.filter((o) => typeof o === "number");
  for (const { socket } of sockets) {
    socket.destroyedByUs = true;
    socket.destroy();
  }
  return { times, open: outcomes.filter((o) => o === "open").length };
}

const HALF_HEAD = `POST /graphql HTTP/1.1\r\nHost: ${base.host}\r\nContent-Type: application/json\r\nX-Slow: `;

async function slowClients() {
  log("\n--- slow clients");
  const deadline = options.headerTimeout + 5;
  // 200 half heads that stop, 20 that trickle one byte every 300 ms (a timeout on idleness alone
  // would never fire for those), and 5 keep-alive connections left idle after one request.
  const half = await Promise.all(range(200).map(() => openSocket()));
  for (const { socket } of half) socket.write(HALF_HEAD);
  const trickle = await Promise.all(range(20).map(() => openSocket()));
  const trickleText = `${HALF_HEAD}${"a".repeat(10000)}`;
  const trickleTimer = setInterval(() => {
    for (const item of trickle) {
      item.offset = (item.offset ?? 0) + 1;
      if (!item.socket.destroyed) item.socket.write(trickleText[item.offset % trickleText.length]);
    }
  }, 300);
  const idle = await Promise.all(range(5).map(() => openSocket()));
  for (const { socket } of idle) socket.write(`GET /healthz HTTP/1.1\r\nHost: ${base.host}\r\n\r\n`);

  await sleep(200);
  const during = await normalLatencies(10, { pauseMs: 50 });
  const [halfOut, trickleOut, idleOut] = await Promise.all([
    closeTimes(half, deadline),
    closeTimes(trickle, deadline),
    closeTimes(idle, deadline),
  ]);
  clearInterval(trickleTimer);
  const closedSummary = [];
  for (const [name, out, count] of [
    ["half-sent heads", halfOut, 200],
    ["trickled heads (1 byte / 300 ms)", trickleOut, 20],
    ["idle keep-alive connections", idleOut, 5],
  ]) {
    const closedAfter = out.times.length ? `after median ${median(out.times).toFixed(2)} s, max ${Math.max(...out.times).toFixed(2)} s` : "";
    log(`slow clients: ${name}: ${out.times.length}/${count} closed by the server ${closedAfter}; ${out.open} still open after ${deadline} s`);
    closedSummary.push(`${name} ${out.times.length}/${count} closed${out.times.length ? ` (max ${Math.max(...out.times).toFixed(2)} s)` : ""}`);
    if (out.open) defect("slow clients", `${out.open} of ${count} ${name} still open ${deadline} s after the server's header timeout of ${options.headerTimeout} s`, name === "half-sent heads" ? JSON.stringify(HALF_HEAD) : undefined);
  }
  const line = `slow clients: normal query while 225 slow sockets hang: median ${ms(median(during.times))}, max ${ms(Math.max(...during.times))}, ${during.shed} shed`;
  log(line);
  summary.push(`slow clients: ${closedSummary.join("; ")}; normal query max ${ms(Math.max(...during.times))} while they hang`);
  if (Math.max(...during.times) > FAIL_MS) defect("slow clients", "the normal query was slow while slow clients hung", NORMAL_QUERY);
}

// Clients that ask for large answers, pipelined, and never read: only their own connections may
// stall.
async function nonReaders() {
  const document = "{ gemeenten(first: 100) { edges { cursor node { id code naam begindatum einddatum tooiUri opmerking provincie { id code naam tooiUri } } } } }";
  const head = `GET /graphql?${new URLSearchParams({ query: document })} HTTP/1.1\r\nHost: ${base.host}\r\nAccept: application/json\r\n\r\n`;
  const sockets = await Promise.all(range(10).map(() => openSocket()));
  for (const { socket } of sockets) {
    socket.pause(); // never read: the answers pile up in the kernel's buffers, then in the server
    socket.write(head.repeat(100));
  }
  await sleep(1500);
  const during = await normalLatencies(10, { pauseMs: 50 });
  const line = `slow clients: normal query while 10 clients leave 1,000 large answers unread: median ${ms(median(during.times))}, max ${ms(Math.max(...during.times))}`;
  log(line);
  summary.push(line);
  if (Math.max(...during.times) > FAIL_MS) defect("slow clients", "the normal query stalled behind clients that do not read", head.slice(0, 200));
  for (const { socket } of sockets) {
    socket.destroyedByUs = true;
    socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// 5. WebSocket close codes (graphql-transport-ws)
// ---------------------------------------------------------------------------------------------

const WS_URL = `${options.base.replace(/^http/, "ws")}/graphql/ws`;
const SUBSCRIPTION = "subscription { wijzigingen { volgnummer } }";

// Opens a socket, runs `script(send, nextMessage)` once it is open, and resolves with how it
// ended: close code, reason and its length in bytes, or the client's error.
function wsSession(script, timeoutMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const ws = new WebSocket(WS_URL, "graphql-transport-ws");
    const messages = [];
    const waiters = [];
    let error = null;
    const finish = (result) => {
      clearTimeout(timer);
      resolve({ seconds: (performance.now() - started) / 1000, error, ...result });
    };
    const timer = setTimeout(() => {
      ws.terminate();
      finish({ code: null, reason: "", reasonBytes: 0, timedOut: true });
    }, timeoutMs);
    ws.on("message", (data, isBinary) => {
      let message;
      try {
        message = isBinary ? data : JSON.parse(data.toString("utf8"));
      } catch {
        message = { type: "not JSON", text: data.toString("utf8") };
      }
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else messages.push(message);
    });
    ws.on("error", (e) => (error = e.message)); // e.g. a close frame longer than 125 bytes
    ws.on("unexpected-response", (_, res) => (error = `upgrade refused: HTTP ${res.statusCode}`));
    ws.on("close", (code, reason) => finish({ code, reason: reason.toString("utf8"), reasonBytes: reason.length }));
    const nextMessage = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)));
    const send = (value) => ws.send(typeof value === "string" || Buffer.isBuffer(value) ? value : JSON.stringify(value));
    ws.on("open", () => script(send, nextMessage).catch((e) => (error = e.message)));
  });
}

async function initialised(send, nextMessage) {
  send({ type: "connection_init", payload: {} });
  const ack = await nextMessage();
  if (ack.type !== "connection_ack") throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
}

// An id the server may refuse as too long (4400) or report as a duplicate (4409); either way,
// an id echoed into the close reason must not stretch it past 123 bytes.
const longId = "é".repeat(1000);
const WS_CASES = [
  {
    name: "subscribe before connection_init",
    expect: 4401,
    script: async (send) => send({ id: "1", type: "subscribe", payload: { query: SUBSCRIPTION } }),
  },
  {
    name: "invalid message: not JSON",
    expect: 4400,
    script: async (send, next) => {
      await initialised(send, next);
      send("{not json");
    },
  },
  {
    name: "invalid message: unknown type",
    expect: 4400,
    script: async (send, next) => {
      await initialised(send, next);
      send({ type: "bogus" });
    },
  },
  {
    name: "invalid message: unknown type of 1,000 characters",
    expect: 4400,
    script: async (send, next) => {
      await initialised(send, next);
      send({ type: "é".repeat(1000) });
    },
  },
  {
    name: "invalid message: subscribe without payload",
    expect: 4400,
    script: async (send, next) => {
      await initialised(send, next);
      send({ id: "1", type: "subscribe" });
    },
  },
  {
    name: "invalid message: a binary frame",
    expect: 4400,
    script: async (send, next) => {
      await initialised(send, next);
      send(Buffer.from([0, 1, 2]));
    },
  },
  {
    name: "connection_init twice",
    expect: 4429,
    script: async (send, next) => {
      await initialised(send, next);
      send({ type: "connection_init" });
    },
  },
  {
    name: "duplicate operation id",
    expect: 4409,
    script: async (send, next) => {
      await initialised(send, next);
      send({ id: "dup", type: "subscribe", payload: { query: SUBSCRIPTION } });
      send({ id: "dup", type: "subscribe", payload: { query: SUBSCRIPTION } });
    },
  },
  {
    name: "duplicate operation id of 1,000 characters",
    expect: [4409, 4400],
    script: async (send, next) => {
      await initialised(send, next);
      send({ id: longId, type: "subscribe", payload: { query: SUBSCRIPTION } });
      send({ id: longId, type: "subscribe", payload: { query: SUBSCRIPTION } });
    },
  },
];

const wsTally = { cases: 0, asExpected: 0, longestReason: 0 };

function judgeWs(name, expect, outcome) {
  const line =
    `websocket: ${name}: ` +
    (outcome.code === null ? "not closed" : `close ${outcome.code} "${outcome.reason.slice(0, 60)}" (${outcome.reasonBytes} bytes)`) +
    ` after ${outcome.seconds.toFixed(2)} s${outcome.error ? `; client error: ${outcome.error}` : ""}`;
  log(line);
  const expected = [expect].flat();
  wsTally.cases += 1;
  wsTally.longestReason = Math.max(wsTally.longestReason, outcome.reasonBytes);
  if (expected.includes(outcome.code) && outcome.reasonBytes <= 123) wsTally.asExpected += 1;
  if (!expected.includes(outcome.code)) defect("websocket", `${name}: expected close ${expected.join(" or ")}, got ${outcome.code ?? "none"}${outcome.error ? ` (${outcome.error})` : ""}`);
  if (outcome.reasonBytes > 123) defect("websocket", `${name}: close reason of ${outcome.reasonBytes} bytes (at most 123)`);
}

async function websocketChecks(noInit) {
  log("\n--- websocket (graphql-transport-ws)");
  for (const { name, expect, script } of WS_CASES) judgeWs(name, expect, await wsSession(script, 5000));
  const timedOut = await noInit;
  judgeWs(`no connection_init (server timeout ${options.wsInitTimeout} s)`, 4408, timedOut);
  summary.push(
    `websocket: ${wsTally.asExpected}/${wsTally.cases} closed with the spec's code; longest close reason ` +
      `${wsTally.longestReason} bytes; 4408 after ${timedOut.seconds.toFixed(1)} s`,
  );
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

async function main() {
  log(`attacking ${options.base}${options.pid ? ` (pid ${options.pid})` : ""}; seed ${options.seed}`);
  const rssBefore = options.pid ? readRssKb(options.pid) : null;
  const sampler = startRssSampler(options.pid);
  const phase = (name) => (sampler.phase = name);

  const schema = await introspect();
  const known = await learnFromServer();
  if (options.onlyCase !== undefined) return replayCase(schema, known, options.onlyCase);
  // The 4408 check waits for the server's init timeout: it runs beside everything else.
  const noInit = wsSession(async () => {}, (options.wsInitTimeout + 5) * 1000);

  phase("fuzzer");
  await runFuzzer(schema, known);

  phase("bombs");
  const list = bombs(schema);
  await normalLatencies(5); // warm up
  const idle = await normalLatencies(40);
  await timeBombs(list);
  await bombsInParallel(list, idle);

  phase("burst");
  await burst();

  phase("slow clients");
  await slowClients();
  await nonReaders();

  phase("websocket");
  await websocketChecks(noInit);

  phase("after");
  if (options.pid) {
    await sleep(3000); // let the server release what the load took
    const rssAfter = readRssKb(options.pid);
    const mb = (kbValue) => (kbValue === null ? "gone" : `${(kbValue / 1024).toFixed(1)} MB`);
    const line = `memory (VmRSS): before ${mb(rssBefore)}, peak ${mb(sampler.peakKb)} (during ${sampler.peakPhase}), 3 s after ${mb(rssAfter)}`;
    summary.push(line);
    if (rssAfter === null) defect("memory", `the server process ${options.pid} is gone`);
    if (sampler.peakKb / 1024 > RSS_LIMIT_MB) defect("memory", `RSS peaked at ${mb(sampler.peakKb)} (limit ${RSS_LIMIT_MB} MB) during ${sampler.peakPhase}`);
  }

  log("\n==== summary ====");
  for (const line of summary) log(line);
  if (defects.size === 0) {
    log("\nno defects found");
    return 0;
  }
  log(`\n${defects.size} defect(s):`);
  for (const { section, problem, repro, times } of defects.values()) {
    log(`- [${section}] ${problem}${times > 1 ? ` (×${times})` : ""}`);
    if (repro) log(`    reproduce: ${repro}`);
  }
  return 1;
}

main().then(
  (status) => process.exit(status),
  (error) => {
    console.error(`attack aborted: ${error.stack ?? error}`);
    process.exit(1);
  },
);
