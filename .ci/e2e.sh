#!/usr/bin/env bash
# End-to-end check as a new user runs it: build the release binary, start it on an empty
# database (it migrates and seeds), query the contract's examples over HTTP, and stop it.
# The database is a fresh SQLite file, or the (empty) PostgreSQL database in $E2E_DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
workdir="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
DATABASE_URL="${E2E_DATABASE_URL:-sqlite://${workdir}/fusieregister.db?mode=rwc}" FUSIEREGISTER_LISTEN="127.0.0.1:${port}" \
  "${CARGO_TARGET_DIR:-target}/release/fusieregister" serve >"${workdir}/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

query() {
  curl -fsS "http://127.0.0.1:${port}/graphql" -H 'content-type: application/json' --data "$1"
}
expect() {
  local what="$1" got="$2" want="$3"
  if [[ "$got" != *"$want"* ]]; then
    echo "FAIL: ${what}: expected to find ${want} in ${got}" >&2
    cat "${workdir}/server.log" >&2
    exit 1
  fi
  echo "ok: ${what}"
}

expect "Amsterdam" "$(query '{"query":"{ gemeente(code: \"GM0363\") { naam provincie { naam } } }"}')" '"naam":"Noord-Holland"'
for pair in 2003-01-01:489 2004-01-01:483 2015-01-01:393 2016-01-01:390 2019-01-01:355 2023-01-01:342; do
  d="${pair%%:*}" n="${pair##*:}"
  expect "municipalities on $d" "$(query "{\"query\":\"{ statistiek(peildatum: \\\"$d\\\") { aantalGemeenten } }\"}")" "\"aantalGemeenten\":$n"
done
expect "Aalsmeer served by Amstelveen" \
  "$(query '{"query":"{ gemeente(code: \"GM0358\") { ambtelijkeFusies { ... on Centrumconstructie { centrumgemeente { naam } } } } }"}')" \
  '"centrumgemeente":{"naam":"Amstelveen"}'
expect "GET /graphql with a query" "$(curl -fsS "http://127.0.0.1:${port}/graphql?query=%7Bprovincies%7Bcode%7D%7D")" '"PV27"'
expect "the IDE for browsers" "$(curl -fsS -H 'Accept: text/html' "http://127.0.0.1:${port}/graphql")" '<html'
expect "GET / redirects" "$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:${port}/")" "/graphql"
expect "healthz" "$(curl -fsS "http://127.0.0.1:${port}/healthz")" "ok"

kill -TERM "$server"
wait "$server" && echo "ok: graceful shutdown on SIGTERM"
