#!/usr/bin/env node
// GraphQL over HTTP conformance of a running server, by the audits of the npm package
// `graphql-http` (the reference implementation of the GraphQL-over-HTTP specification). Prints
// each audit that did not pass and the totals per level.
//
//   node tools/clients/http-audit.mjs http://127.0.0.1:8080
//
// Exit status 0 when every MUST and every SHOULD audit passes; MAY audits are reported only.

import { auditServer } from "graphql-http";

const base = (process.argv[2] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const results = await auditServer({ url: `${base}/graphql` });

const levels = { MUST: [0, 0], SHOULD: [0, 0], MAY: [0, 0] };
const failed = [];
for (const result of results) {
  const level = result.name.split(" ")[0];
  const tally = levels[level] ?? (levels[level] = [0, 0]);
  tally[1] += 1;
  if (result.status === "ok") {
    tally[0] += 1;
  } else {
    failed.push({ level, result });
  }
}

for (const { result } of failed) {
  let detail = result.reason;
  if (result.response) {
    const body = await result.response.text().catch(() => "");
    detail += ` (status ${result.response.status}: ${body.slice(0, 200)})`;
  }
  console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}: ${detail}`);
}
for (const [level, [passed, total]] of Object.entries(levels)) {
  console.log(`${level.padEnd(6)} ${passed}/${total}`);
}

const required = failed.filter(({ level }) => level === "MUST" || level === "SHOULD");
process.exit(required.length === 0 ? 0 : 1);
