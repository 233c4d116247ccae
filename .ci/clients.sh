#!/usr/bin/env bash
# The real clients of front-end teams against the release binary on a fresh SQLite file:
# graphql-js's standard introspection compared with schema.graphql, GraphQL Code Generator with
# tsc over the README's operations, the IDE (and /voorbeeld, when its check exists) in headless
# Chromium, and graphql-http's GraphQL-over-HTTP audit. Then a hostile client (attack.mjs: a
# schema fuzzer, query bombs, slow clients, WebSocket close codes) against a second server on
# its own fresh file, with a 1 s header timeout so that its slow-client checks finish quickly.
# Screenshots go to $SHOTS_DIR (default target/screenshots) for a person to look at. Installs
# Debian's chromium when it is missing, and the pinned npm packages of tools/clients. A third
# server, started with --federation on a fresh file of its own, is composed into a supergraph
# with Apollo's composition library and asked for entities as a gateway asks
# (federation-check.mjs). The open data's JSON-LD files are expanded by the npm jsonld processor
# and their triples checked against the CSV files (jsonld-check.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tools/clients && npm ci --no-audit --no-fund --loglevel=error)

cargo build --release --quiet
binary="${CARGO_TARGET_DIR:-target}/release/fusieregister"
shots="${SHOTS_DIR:-${CARGO_TARGET_DIR:-target}/screenshots}"
mkdir -p "$shots"
workdir="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:${port}"
database="sqlite://${workdir}/fusieregister.db?mode=rwc"

token="$("$binary" token create --name ide-check --role editor --database-url "$database" 2>/dev/null)"
DATABASE_URL="$database" FUSIEREGISTER_LISTEN="127.0.0.1:${port}" "$binary" serve >"${workdir}/server.log" 2>&1 &
server=$!
attacked=""
federated=""
trap 'kill "$server" $attacked $federated 2>/dev/null || true; rm -rf "$workdir"' EXIT
wait_ready() {
  for _ in $(seq 1 150); do
    curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
wait_ready "$base"

failed=0
run() {
  echo "--> $*"
  if ! "$@"; then
    failed=1
  fi
}
run node tools/clients/introspection-check.mjs "$base"
run node tools/clients/codegen-check.mjs "$base"
run node tools/clients/ide-check.mjs "$base" --token "$token" --shots "${shots}/ide"
if [[ -f tools/clients/voorbeeld-check.mjs ]]; then
  run node tools/clients/voorbeeld-check.mjs "$base" --token "$token" --shots "${shots}/voorbeeld"
fi
run node tools/clients/http-audit.mjs "$base"
run node tools/clients/jsonld-check.mjs "$base"

# The Federation v2 subgraph: its own server, so that the plain one above stays unfederated.
federated_port=$((port + 2))
federated_base="http://127.0.0.1:${federated_port}"
DATABASE_URL="sqlite://${workdir}/federated.db?mode=rwc" FUSIEREGISTER_LISTEN="127.0.0.1:${federated_port}" \
  FUSIEREGISTER_FEDERATION=true "$binary" serve >"${workdir}/federated-server.log" 2>&1 &
federated=$!
if wait_ready "$federated_base"; then
  run node tools/clients/federation-check.mjs "$federated_base"
else
  echo "the server for federation-check.mjs did not become ready" >&2
  failed=1
fi
kill "$federated" 2>/dev/null || true

# The attack gets a server of its own: its load and its forged requests must not touch the state
# the checks above rely on, and the short header timeout is the attack's setting only.
attack_port=$((port + 1))
attack_base="http://127.0.0.1:${attack_port}"
DATABASE_URL="sqlite://${workdir}/attack.db?mode=rwc" FUSIEREGISTER_LISTEN="127.0.0.1:${attack_port}" \
  FUSIEREGISTER_HEADER_TIMEOUT=1s "$binary" serve >"${workdir}/attack-server.log" 2>&1 &
attacked=$!
if wait_ready "$attack_base"; then
  run node tools/clients/attack.mjs "$attack_base" --pid "$attacked" --header-timeout 1s
else
  echo "the server for attack.mjs did not become ready" >&2
  failed=1
fi
# A panic caught by the server still answers (INTERNAL_SERVER_ERROR) but is a defect.
if grep -q -i 'panicked' "${workdir}/attack-server.log"; then
  echo "the server logged a panic under attack:" >&2
  grep -i -m 5 -A 3 'panicked' "${workdir}/attack-server.log" >&2
  failed=1
fi
if ! kill -0 "$attacked" 2>/dev/null; then
  echo "the server under attack is gone" >&2
  failed=1
fi

if [[ "$failed" != 0 ]]; then
  echo "client checks failed; the server's log:" >&2
  tail -50 "${workdir}/server.log" >&2
  echo "the attacked server's log (without its lines about shed requests):" >&2
  grep -v 'Service Unavailable' "${workdir}/attack-server.log" | tail -50 >&2
  echo "the federated server's log:" >&2
  tail -20 "${workdir}/federated-server.log" >&2
  exit 1
fi
echo "client checks passed; screenshots in ${shots}"
