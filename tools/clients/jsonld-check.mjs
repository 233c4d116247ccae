#!/usr/bin/env node
// The open data's JSON-LD, read by a standard JSON-LD processor (the npm `jsonld` package, as a
// linked-data user would read it). For every dataset, with and without a peildatum, the check
// fetches the `.jsonld` file from a running server, expands it in safe mode (a key the published
// context does not define is an error, not a silently dropped value) and converts it to N-Quads;
// it then counts the dataset's subjects against the rows of the `.csv` file for the same date, and
// checks that municipalities and provinces are the government's TOOI URIs, also where other
// records refer to them. The DCAT catalogue must expand to five datasets with two downloadable
// distributions each.
//
//   node tools/clients/jsonld-check.mjs http://127.0.0.1:8080
//
// Exit status 0 when every check holds.

import jsonld from "jsonld";

const base = (process.argv[2] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const problems = [];
const check = (holds, message) => {
  if (!holds) problems.push(message);
};

const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const TOOI = "https://identifier.overheid.nl/tooi/def/ont/";
const FR = `${base}/def#`;
const PROV = "http://www.w3.org/ns/prov#";
const DCAT = "http://www.w3.org/ns/dcat#";
const TOOI_GEMEENTE = /^https:\/\/identifier\.overheid\.nl\/tooi\/id\/gemeente\/gm\d{4}$/;
const TOOI_PROVINCIE = /^https:\/\/identifier\.overheid\.nl\/tooi\/id\/provincie\/pv\d{2}$/;
// The register names a municipality the TOOI register lacks under its own address.
const OWN_GEMEENTE = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/id/gemeente/GM\\d{4}$`);

async function fetchText(path, accept) {
  const response = await fetch(`${base}${path}`, { headers: { accept } });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  return response.text();
}

/** The records of an RFC 4180 file (quoted cells may hold commas, quotes and line breaks). */
function csvRecords(text) {
  const records = [];
  let record = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else {
      cell += c;
    }
  }
  if (cell !== "" || record.length > 0) problems.push("a CSV file does not end with CRLF");
  const [header, ...rows] = records;
  return rows.map((row) => Object.fromEntries(header.map((name, n) => [name, row[n]])));
}

/** The triples of a JSON-LD document: expanded in safe mode, then as N-Quads, parsed. */
async function triples(path) {
  const document = JSON.parse(await fetchText(path, "application/ld+json"));
  const expanded = await jsonld.expand(document, { safe: true });
  const nquads = await jsonld.toRDF(expanded, { format: "application/n-quads", safe: true });
  return nquads
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const match = line.match(/^(<[^>]*>|_:\S+) <([^>]*)> (<[^>]*>|_:\S+|".*"(?:\^\^<[^>]*>|@[\w-]+)?) \.$/);
      if (!match) throw new Error(`an N-Quads line of ${path} does not parse: ${line}`);
      const term = (t) => (t.startsWith("<") ? t.slice(1, -1) : t);
      return { s: term(match[1]), p: match[2], o: term(match[3]) };
    });
}

const subjectsOfType = (quads, type) => new Set(quads.filter((q) => q.p === RDF_TYPE && q.o === type).map((q) => q.s));
const objectsOf = (quads, predicate) => quads.filter((q) => q.p === predicate).map((q) => q.o);
const isGemeente = (uri) => TOOI_GEMEENTE.test(uri) || OWN_GEMEENTE.test(uri);

const datasets = [
  { name: "gemeenten", type: `${TOOI}Gemeente` },
  { name: "ambtelijke-fusies", type: `${FR}AmbtelijkeFusie` },
  { name: "deelnames", type: `${FR}Deelname` },
  { name: "herindelingen", type: `${FR}Herindeling` },
  { name: "evaluaties", type: `${FR}Evaluatie` },
];

for (const query of ["", "?peildatum=2015-01-01"]) {
  for (const { name, type } of datasets) {
    const label = `${name}.jsonld${query}`;
    try {
      const rows = csvRecords(await fetchText(`/data/${name}.csv${query}`, "text/csv"));
      const quads = await triples(`/data/${name}.jsonld${query}`);
      const subjects = subjectsOfType(quads, type);
      check(subjects.size === rows.length, `${label}: ${subjects.size} subjects of ${type}, the CSV has ${rows.length} rows`);
      if (name === "gemeenten") {
        const tooi = [...subjects].filter((s) => TOOI_GEMEENTE.test(s));
        const withTooiUri = rows.filter((row) => row.tooi_uri !== "");
        check(tooi.length === withTooiUri.length, `${label}: ${tooi.length} TOOI municipality URIs for ${withTooiUri.length} rows with one`);
        for (const row of withTooiUri) {
          const uri = `https://identifier.overheid.nl/tooi/id/gemeente/${row.code.toLowerCase()}`;
          check(subjects.has(uri), `${label}: ${row.code} is not the subject ${uri}`);
        }
        check([...subjects].every(isGemeente), `${label}: a municipality has neither a TOOI URI nor the register's own`);
        const provincies = objectsOf(quads, `${TOOI}ligtInProvincie`);
        check(provincies.length === rows.length, `${label}: ${provincies.length} provinces for ${rows.length} municipalities`);
        check(provincies.every((p) => TOOI_PROVINCIE.test(p)), `${label}: a province is not a TOOI URI`);
        const typed = subjectsOfType(quads, `${TOOI}Provincie`);
        check([...typed].every((p) => TOOI_PROVINCIE.test(p)) && typed.size > 0, `${label}: province subjects are not TOOI URIs`);
      }
      if (name === "deelnames") {
        const gemeenten = objectsOf(quads, `${FR}gemeente`);
        check(gemeenten.length === rows.length && gemeenten.every(isGemeente), `${label}: a deelname's municipality is no TOOI URI`);
      }
      if (name === "herindelingen") {
        const involved = [`${PROV}invalidated`, `${PROV}used`, `${PROV}generated`].flatMap((p) => objectsOf(quads, p));
        check(involved.length > 0 && involved.every(isGemeente), `${label}: a herindeling names a municipality without its URI`);
        check(involved.filter((uri) => TOOI_GEMEENTE.test(uri)).length >= involved.length - 1, `${label}: TOOI URIs missing`);
      }
      console.log(`${label}: ${quads.length} triples, ${subjects.size} subjects = ${rows.length} CSV rows`);
    } catch (error) {
      problems.push(`${label}: ${error.message}`);
    }
  }
}

try {
  const quads = await triples("/data/catalogus.jsonld");
  const found = subjectsOfType(quads, `${DCAT}Dataset`);
  const distributions = subjectsOfType(quads, `${DCAT}Distribution`);
  const downloads = objectsOf(quads, `${DCAT}downloadURL`);
  check(found.size === 5, `the catalogue has ${found.size} datasets, not 5`);
  check(distributions.size === 10 && downloads.length === 10, `the catalogue has ${distributions.size} distributions`);
  for (const url of downloads) {
    const response = await fetch(url);
    check(response.ok, `the catalogue's ${url} answers HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  console.log(`catalogus.jsonld: ${quads.length} triples, ${found.size} datasets, ${distributions.size} distributions`);
} catch (error) {
  problems.push(`catalogus.jsonld: ${error.message}`);
}

if (problems.length > 0) {
  console.error(`jsonld-check: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("jsonld-check: every JSON-LD file expands, and its subjects match the CSV rows with TOOI URIs");
