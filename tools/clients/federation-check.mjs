#!/usr/bin/env node
// The registry as an Apollo Federation v2 subgraph, checked with Apollo's own composition
// library. Reads the subgraph's SDL from a server started with `--federation` (`_service { sdl }`,
// as a gateway or rover reads it) or from a file (`fusieregister schema --federation`), composes
// it with a small second subgraph ("kerncijfers", which adds a field to Gemeente by its key), and
// checks that the supergraph has that field beside the registry's own. A second composition, in
// which the other subgraph gets the key's type wrong, must fail: the check can see errors. Then
// sends `_entities` for a hundred municipalities (their codes read from `gemeenten`) to the
// server, as a gateway does, and checks that a hundred named municipalities come back in order.
//
//   node tools/clients/federation-check.mjs http://127.0.0.1:8080 [--sdl subgraph.graphql]
//
// Exit status 0 when composition succeeds and every check holds.

import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { Kind, parse } from "graphql";

const args = process.argv.slice(2);
const sdlAt = args.indexOf("--sdl");
const sdlFile = sdlAt >= 0 ? args[sdlAt + 1] : undefined;
const positional = args.filter((arg, i) => !arg.startsWith("--") && (sdlAt < 0 || i !== sdlAt + 1));
const base = (positional[0] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const endpoint = `${base}/graphql`;
const problems = [];

async function post(query, variables = {}) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const json = await response.json();
  if (json.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(json.errors)}`);
  return json.data;
}

const registrySdl = sdlFile ? readFileSync(sdlFile, "utf8") : (await post("{ _service { sdl } }"))._service.sdl;
if (!/extend schema @link\(\s*url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/.test(registrySdl)) {
  problems.push("the subgraph's SDL does not link Federation v2");
}

// Another team's subgraph: the number of inhabitants of a municipality, keyed by its CBS code.
const kerncijfers = (codeType) => `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  "A municipality, known to this subgraph only by its CBS code."
  type Gemeente @key(fields: "code") {
    "CBS municipality code."
    code: ${codeType}
    "Inhabitants on 1 January 2024 (CBS)."
    inwoners2024: Int
  }
`;

function compose(otherSdl) {
  return composeServices([
    { name: "fusieregister", url: base, typeDefs: parse(registrySdl) },
    { name: "kerncijfers", url: "http://kerncijfers.invalid/graphql", typeDefs: parse(otherSdl) },
  ]);
}

const composed = compose(kerncijfers("String!"));
if (composed.errors?.length) {
  problems.push(`composition failed:\n  ${composed.errors.map((e) => e.message).join("\n  ")}`);
} else {
  const supergraph = parse(composed.supergraphSdl);
  const gemeente = supergraph.definitions.find(
    (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === "Gemeente",
  );
  const fields = new Set(gemeente?.fields?.map((f) => f.name.value) ?? []);
  for (const field of ["code", "naam", "provincie", "inwoners2024"]) {
    if (!fields.has(field)) problems.push(`the supergraph's Gemeente lacks ${field}`);
  }
  const keys = gemeente?.directives?.filter((d) => d.name.value === "join__type") ?? [];
  if (keys.length !== 2) problems.push(`Gemeente should be an entity of both subgraphs, has ${keys.length} join__type`);
  for (const type of ["Fusieorganisatie", "Centrumconstructie"]) {
    if (!new RegExp(`type ${type}[^{]*join__type\\(graph: FUSIEREGISTER, key: "sleutel"\\)`).test(composed.supergraphSdl)) {
      problems.push(`the supergraph lacks ${type}'s key`);
    }
  }
  console.log(`composed: ${composed.supergraphSdl.length} characters of supergraph, ${composed.hints?.length ?? 0} hints`);
}

const broken = compose(kerncijfers("Int!"));
if (!broken.errors?.length) problems.push("a subgraph that types the key as Int! composed without errors");

// What a gateway sends for a hundred municipalities.
const page = await post("{ gemeenten(first: 100) { edges { node { code } } } }");
const codes = page.gemeenten.edges.map((edge) => edge.node.code);
if (codes.length !== 100) problems.push(`gemeenten(first: 100) gave ${codes.length} codes`);
const entities = await post(
  `query ($representations: [_Any!]!) {
    _entities(representations: $representations) { __typename ... on Gemeente { code naam } }
  }`,
  { representations: codes.map((code) => ({ __typename: "Gemeente", code })) },
);
const found = entities._entities;
if (found.length !== codes.length) problems.push(`_entities answered ${found.length} of ${codes.length}`);
found.forEach((entity, i) => {
  if (entity?.__typename !== "Gemeente" || entity.code !== codes[i] || !entity.naam) {
    problems.push(`_entities[${i}] is ${JSON.stringify(entity)}, expected Gemeente ${codes[i]} with a name`);
  }
});
console.log(`_entities: ${found.filter((e) => e?.naam).length} of ${codes.length} municipalities, e.g. ${found[0]?.code} ${found[0]?.naam}`);

if (problems.length) {
  console.error(`federation check failed:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("federation check passed");
