#!/usr/bin/env node
// The schema a client sees is the committed one. Sends graphql-js's standard introspection
// query (every option on) to a running server over POST and over GET, builds the client-side
// schema from each answer with graphql-js's buildClientSchema, and compares it, sorted and
// printed with descriptions, with schema.graphql. Then sends two introspection bombs and checks
// that both are refused with QUERY_TOO_COMPLEX.
//
//   node tools/clients/introspection-check.mjs http://127.0.0.1:8080 [path/to/schema.graphql]
//
// Exit status 0 when both answers equal the committed schema and both bombs are refused.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  GraphQLSchema,
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from "graphql";

const base = (process.argv[2] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const committedPath =
  process.argv[3] ?? fileURLToPath(new URL("../../schema.graphql", import.meta.url));
const endpoint = `${base}/graphql`;

const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

const problems = [];

async function post(body) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function get(params) {
  const response = await fetch(`${endpoint}?${new URLSearchParams(params)}`, {
    headers: { accept: "application/json" },
  });
  return { status: response.status, json: await response.json() };
}

// async-graphql 7.2.1 answers `__schema { description }` with a fixed sentence of its own about
// what a GraphQL schema is; it is no part of this API's SDL (which has no schema description),
// so the comparison leaves the schema description out and reports it.
const withoutSchemaDescription = (schema) => new GraphQLSchema({ ...schema.toConfig(), description: undefined });
const sorted = (schema) => printSchema(lexicographicSortSchema(withoutSchemaDescription(schema)));
const committed = sorted(buildSchema(readFileSync(committedPath, "utf8")));

function compare(how, { status, json }) {
  if (json.errors || !json.data) {
    problems.push(`${how}: HTTP ${status}, errors ${JSON.stringify(json.errors)}`);
    return;
  }
  const client = buildClientSchema(json.data);
  if (client.description) console.log(`note: ${how}: schema description (left out): "${client.description.slice(0, 60)}…"`);
  const live = sorted(client);
  if (live === committed) {
    console.log(`ok: ${how}: the client schema equals schema.graphql (${live.length} characters, sorted)`);
    return;
  }
  const a = live.split("\n");
  const b = committed.split("\n");
  const at = a.findIndex((line, i) => line !== b[i]);
  problems.push(
    `${how}: the client schema differs from schema.graphql at line ${at + 1}:\n` +
      `  live:      ${a[at]}\n  committed: ${b[at]}`,
  );
}

compare("POST", await post({ query, operationName: "IntrospectionQuery" }));
compare("GET", await get({ query, operationName: "IntrospectionQuery" }));

// __type → fields → type → fields … 30 levels deep, and 300 aliased __schema selections.
const deep = `{ __type(name: "Gemeente") { ${"fields { type { ".repeat(15)}name${" } }".repeat(15)} } }`;
const wide = `{ ${Array.from({ length: 300 }, (_, i) => `s${i}: __schema { types { name } }`).join(" ")} }`;
for (const [name, bomb] of [["30 levels deep", deep], ["300 aliased __schema", wide]]) {
  const started = performance.now();
  const { status, json } = await post({ query: bomb });
  const ms = (performance.now() - started).toFixed(1);
  const code = json.errors?.[0]?.extensions?.code;
  if (code === "QUERY_TOO_COMPLEX" && !json.data) {
    console.log(`ok: introspection bomb (${name}) refused: ${code}, limit ${json.errors[0].extensions.limit}, ${ms} ms`);
  } else {
    problems.push(`introspection bomb (${name}) not refused: HTTP ${status}, ${JSON.stringify(json).slice(0, 200)}`);
  }
}

if (problems.length) {
  console.error(`FAIL:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log("introspection check passed");
