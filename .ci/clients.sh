#!/usr/bin/env bash
# The real clients of front-end teams against the release binary on a fresh SQLite file:
# graphql-js's standard introspection compared with schema.graphql, GraphQL Code Generator with
# tsc over the README's operations, and the IDE (and /voorbeeld, when its check exists) in
# headless Chromium. Screenshots go to $SHOTS_DIR (default target/screenshots) for a person to
# look at. Installs Debian's chromium when it is missing, and the pinned npm packages of
# tools/clients.
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
trap 'kill "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT
for _ in $(seq 1 150); do
  curl -fsS "${base}/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

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

if [[ "$failed" != 0 ]]; then
  echo "client checks failed; the server's log:" >&2
  tail -50 "${workdir}/server.log" >&2
  exit 1
fi
echo "client checks passed; screenshots in ${shots}"
