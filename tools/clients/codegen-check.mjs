#!/usr/bin/env node
// A code generator against the running server, as a front-end team would run it: GraphQL Code
// Generator (typescript + typescript-operations) introspects the endpoint and generates types
// for every named operation in the README; then tsc (strict) type-checks each README example
// answer against the type generated for its query. A README example that no longer matches the
// schema, or a schema that a code generator cannot read, fails here.
//
//   node tools/clients/codegen-check.mjs http://127.0.0.1:8080 [README.md]
//
// Works in a temporary directory; exit status 0 when generation and type-checking succeed.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { generate } from "@graphql-codegen/cli";
import { parse } from "graphql";

const base = (process.argv[2] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const readmePath = process.argv[3] ?? fileURLToPath(new URL("../../README.md", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "fusieregister-codegen-"));
// GraphQL Code Generator looks its plugins up from the working directory.
process.chdir(here);

// Every ```graphql block of the README that holds an operation; the ```json block right after
// it, if any, is that operation's example answer.
const blocks = [...readFileSync(readmePath, "utf8").matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  text: m[2],
}));
const operations = [];
blocks.forEach((block, i) => {
  if (block.lang !== "graphql") return;
  const definitions = parse(block.text).definitions.filter((d) => d.kind === "OperationDefinition");
  if (definitions.length !== 1) return;
  const [operation] = definitions;
  if (!operation.name) {
    throw new Error(`README: every example operation needs a name (code generators key types by it):\n${block.text}`);
  }
  const next = blocks[i + 1];
  const example = next?.lang === "json" && JSON.parse(next.text).data ? JSON.parse(next.text) : null;
  operations.push({ name: operation.name.value, kind: operation.operation, text: block.text, example });
});
if (operations.length === 0) throw new Error("README: no named operations found");

const documents = operations.map((op, i) => {
  const file = join(work, `op${i}.graphql`);
  writeFileSync(file, op.text);
  return file;
});

await generate(
  {
    schema: `${base}/graphql`,
    documents,
    generates: {
      [join(work, "types.ts")]: {
        // typescript-operations 6 emits the schema types an operation uses by itself; enums as
        // string unions, as JSON answers carry them.
        plugins: ["typescript-operations"],
        config: { enumsAsTypes: true, strictScalars: true, scalars: { Date: "string", DateTime: "string", JSON: "unknown" } },
      },
    },
    silent: true,
  },
  true,
);

// Each example answer must be assignable to its generated result type.
const suffix = { query: "Query", mutation: "Mutation", subscription: "Subscription" };
const typeName = (op) => `${op.name}${suffix[op.kind]}`;
const checked = operations.filter((op) => op.example);
const lines = [
  `import type { ${operations.map(typeName).join(", ")} } from "./types";`,
  ...operations.map((op) => `export type Check${op.name} = ${typeName(op)};`),
  ...checked.map((op) => `export const example${op.name}: ${typeName(op)} = ${JSON.stringify(op.example.data, null, 2)};`),
];
writeFileSync(join(work, "examples.ts"), `${lines.join("\n")}\n`);

const tsc = join(here, "node_modules", ".bin", "tsc");
try {
  execFileSync(
    tsc,
    ["--noEmit", "--strict", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "examples.ts"],
    { cwd: work, stdio: "pipe" },
  );
} catch (err) {
  console.error(`FAIL: tsc rejected the README examples (in ${work}):\n${err.stdout}${err.stderr}`);
  process.exit(1);
}
console.log(
  `ok: codegen generated types for ${operations.length} README operations ` +
    `(${operations.map((op) => op.name).join(", ")}); tsc --strict accepts ${checked.length} example answers`,
);
