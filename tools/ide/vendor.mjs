#!/usr/bin/env node
// Re-vendors the GraphiQL IDE assets into src/ide/assets/ from the npm registry.
//
//   node tools/ide/vendor.mjs          # from the repository root; needs node >= 18 and npm
//
// Only needed when the pinned versions below change: the server embeds the committed files
// with include_bytes! and never reads them (or the network) at run time.
//
// What it does, for each pinned package:
//   1. `npm pack <name>@<version>` into a temporary folder,
//   2. checks the tarball's sha512 against the pinned integrity (the value that
//      `npm view <name>@<version> dist.integrity` printed when the pin was made),
//   3. copies the browser builds byte for byte under version-bearing file names (the server
//      sends them with `Cache-Control: immutable`), and the package's LICENSE,
//   4. writes LICENSES.md.
// Then it lists the third-party packages that graphiql's UMD bundle has inlined (from the
// bundle's source map), installs graphiql's dependency tree in the temporary folder to read
// their licenses, and writes licenses/graphiql-<version>-bundled.txt with those texts.
//
// After changing a version, also update the file names in src/ide/mod.rs.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ASSETS = join(ROOT, "src", "ide", "assets");
const LICENSES = join(ASSETS, "licenses");

const PINS = [
  {
    name: "graphiql",
    version: "4.1.2",
    integrity: "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
    files: {
      // The package's UMD build (identical to dist/index.umd.js); it needs the React and
      // ReactDOM globals and inlines everything else, the graphql-ws client included.
      "graphiql.min.js": "graphiql-4.1.2.min.js",
      "graphiql.min.css": "graphiql-4.1.2.min.css",
    },
  },
  {
    name: "react",
    version: "18.3.1",
    integrity: "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
    files: { "umd/react.production.min.js": "react-18.3.1.production.min.js" },
  },
  {
    name: "react-dom",
    version: "18.3.1",
    integrity: "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
    files: { "umd/react-dom.production.min.js": "react-dom-18.3.1.production.min.js" },
  },
];

// graphiql's UMD bundle inlines the graphql-ws client but not graphql-ws itself as a
// dependency (it is an optional peer of @graphiql/toolkit), and graphql is a peer: name the
// versions the bundle carries so the dependency tree below contains them.
// graphql 16.11.0 is what the bundle's graphql/version.mjs says; graphql-ws comes from its
// lib/*.mjs layout, which is the 5.x line; react's jsx-runtime wrapper in the source map is
// React 18's (react-jsx-runtime.production.min.js).
const EXTRA_TREE = ["graphql@16.11.0", "graphql-ws@5", "react@18.3.1", "react-dom@18.3.1"];

// Copyright holders of bundled MIT packages that ship no license file and name no author: the
// license of the repository they are published from.
const HOLDERS = {
  "@graphiql/plugin-doc-explorer": "2021 GraphQL Contributors (the graphql/graphiql repository's LICENSE)",
  "@graphiql/plugin-history": "2021 GraphQL Contributors (the graphql/graphiql repository's LICENSE)",
  "react-compiler-runtime": "Meta Platforms, Inc. and affiliates (the facebook/react repository's LICENSE)",
};

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function sha(algo, path, encoding) {
  return createHash(algo).update(readFileSync(path)).digest(encoding);
}

function licenseFile(dir) {
  const hit = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([-.][\w.-]*)?$/i.test(f));
  return hit ? join(dir, hit) : null;
}

function mitText(holder) {
  return `MIT License

Copyright (c) ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;
}

function copyrightLine(text) {
  const line = text.split("\n").find((l) => /copyright/i.test(l) && !/copyright (notice|holders)/i.test(l));
  return line ? line.trim() : "";
}

const tmp = mkdtempSync(join(tmpdir(), "ide-vendor-"));
try {
  mkdirSync(LICENSES, { recursive: true });
  const rows = [];
  const fileRows = [];
  for (const pin of PINS) {
    const spec = `${pin.name}@${pin.version}`;
    const [packed] = JSON.parse(sh("npm", ["pack", spec, "--json", "--pack-destination", tmp], tmp));
    const tarball = join(tmp, packed.filename);
    const integrity = `sha512-${sha("sha512", tarball, "base64")}`;
    if (integrity !== pin.integrity) {
      throw new Error(`${spec}: tarball integrity ${integrity} differs from the pinned ${pin.integrity}`);
    }
    const dir = join(tmp, `${pin.name}-${pin.version}`);
    mkdirSync(dir);
    sh("tar", ["xzf", tarball, "-C", dir], tmp);
    const pkgDir = join(dir, "package");
    const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
    for (const [from, to] of Object.entries(pin.files)) {
      copyFileSync(join(pkgDir, from), join(ASSETS, to));
      fileRows.push(`| \`${to}\` | ${spec} \`package/${from}\` | \`${sha("sha256", join(ASSETS, to), "hex")}\` |`);
    }
    const lic = licenseFile(pkgDir);
    const licName = `${pin.name}-${pin.version}.LICENSE.txt`;
    copyFileSync(lic, join(LICENSES, licName));
    rows.push(
      `| ${pin.name} | ${pin.version} | ${pkg.license} | ${copyrightLine(readFileSync(lic, "utf8"))} | ` +
        `https://registry.npmjs.org/${pin.name}/-/${pin.name}-${pin.version}.tgz | \`${pin.integrity}\` | ` +
        `[licenses/${licName}](licenses/${licName}) |`,
    );
  }

  // Third-party code inlined in graphiql's bundle, by package name, from its source map.
  const graphiql = PINS[0];
  const gDir = join(tmp, `${graphiql.name}-${graphiql.version}`, "package");
  const map = JSON.parse(readFileSync(join(gDir, "graphiql.min.js.map"), "utf8"));
  const bundled = new Set();
  let monorepo = 0;
  for (const source of map.sources) {
    const at = source.lastIndexOf("node_modules/");
    if (at < 0) {
      monorepo += 1;
      continue;
    }
    const parts = source.slice(at + "node_modules/".length).split("/");
    bundled.add(parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  const tree = join(tmp, "tree");
  mkdirSync(tree);
  writeFileSync(join(tree, "package.json"), JSON.stringify({ name: "tree", version: "0.0.0", private: true }));
  sh("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", `graphiql@${graphiql.version}`, ...EXTRA_TREE], tree);
  const findPkg = (name) => {
    // Hoisted first, then nested copies (npm nests a package when versions conflict).
    const direct = join(tree, "node_modules", name);
    if (existsSync(join(direct, "package.json"))) return direct;
    const out = sh("find", ["node_modules", "-path", `*/node_modules/${name}/package.json`], tree).split("\n").filter(Boolean);
    if (out.length) return dirname(join(tree, out[0]));
    // Not in today's tree (a newer dependency dropped it): read the latest published version.
    const [packed] = JSON.parse(sh("npm", ["pack", name, "--json", "--pack-destination", tmp], tmp));
    const dest = join(tmp, "extra", packed.filename);
    mkdirSync(dest, { recursive: true });
    sh("tar", ["xzf", join(tmp, packed.filename), "-C", dest], tmp);
    return join(dest, "package");
  };
  // graphiql's own monorepo packages, inlined from their build output (no node_modules path).
  const own = ["@graphiql/react", "@graphiql/toolkit", "@graphiql/plugin-doc-explorer", "@graphiql/plugin-history", "codemirror-graphql", "graphql-language-service"];
  const names = [...own, ...[...bundled].sort()];
  const parts = [
    `Third-party code inlined in graphiql-${graphiql.version}.min.js (the UMD build of graphiql ${graphiql.version}).`,
    "",
    `The package names come from the bundle's source map (graphiql.min.js.map in the npm tarball:`,
    `${map.sources.length} sources, ${monorepo} of them from graphiql's own monorepo). The versions below are`,
    "those npm resolves for graphiql's dependency ranges when this file was generated",
    "(tools/ide/vendor.mjs), or the latest release for a package that is no longer in that tree;",
    "the bundle itself records no versions, except graphql (16.11.0 per its",
    "graphql/version.mjs). react and react-dom appear in the source map only as thin wrappers",
    "(react/jsx-runtime, react-dom/client) over the React globals, which are vendored separately.",
    "",
  ];
  const summary = [];
  for (const name of names) {
    const dir = findPkg(name);
    if (!dir) throw new Error(`bundled package ${name} not found in the installed tree`);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const lic = licenseFile(dir);
    const license = typeof pkg.license === "string" ? pkg.license : JSON.stringify(pkg.license ?? pkg.licenses);
    summary.push(`  ${pkg.name}@${pkg.version}  ${license}`);
    parts.push("=".repeat(78), `${pkg.name}@${pkg.version} — ${license}`, "=".repeat(78));
    if (lic) {
      parts.push(readFileSync(lic, "utf8").trim(), "");
    } else if (license === "MIT") {
      const author = HOLDERS[pkg.name] ?? (typeof pkg.author === "string" ? pkg.author : pkg.author?.name ?? `the ${pkg.name} authors`);
      parts.push(`(The package ships no license file; its package.json says MIT. Copyright holder: ${author}. The MIT terms:)`, "", mitText(author), "");
    } else {
      throw new Error(`${pkg.name}: no license file and license ${license}`);
    }
  }
  parts.splice(parts.indexOf("", 3) + 1, 0, "Summary:", ...summary, "");
  const bundledName = `graphiql-${graphiql.version}-bundled.txt`;
  writeFileSync(join(LICENSES, bundledName), parts.join("\n"));

  const md = [
    "# Vendored GraphiQL assets",
    "",
    "Served by `src/ide/mod.rs` under `/graphql/ide/`, embedded in the binary with `include_bytes!`.",
    "Generated by `node tools/ide/vendor.mjs`, which downloads each tarball with `npm pack`, checks it",
    "against the integrity below (`npm view <pkg>@<ver> dist.integrity`) and copies the files byte for",
    "byte (no file is modified; the `sourceMappingURL` comment at the end of the graphiql bundle",
    "points at a map that is not served, so a browser with developer tools open gets a 404 from this",
    "server for it, and nothing else).",
    "",
    "## Packages",
    "",
    "| package | version | license | copyright | tarball | integrity | license text |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "## Files",
    "",
    "| file | from | sha256 |",
    "| --- | --- | --- |",
    ...fileRows,
    "",
    "## Code inlined in the graphiql bundle",
    "",
    "`graphiql-" + graphiql.version + ".min.js` inlines its dependencies (graphql-js, the graphql-ws client,",
    "CodeMirror 5, markdown-it, Radix UI, Headless UI, React Aria, framer-motion and others). They are",
    "under MIT, except React Aria (Apache-2.0), entities (BSD-2-Clause) and tslib (0BSD). Their list",
    `and license texts: [licenses/${bundledName}](licenses/${bundledName}).`,
    "The react-dom UMD build carries a Modernizr 3.0.0pre (MIT) fragment, covered by its header comment.",
    "",
  ];
  writeFileSync(join(ASSETS, "LICENSES.md"), md.join("\n"));
  console.log(`vendored into ${ASSETS}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
