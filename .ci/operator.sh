#!/usr/bin/env bash
# The operator's check of issue 14, on a primary and a streaming replica that .ci/replica.sh
# made (PRIMARY_URL, REPLICA_URL; REPLICA_PSQL reaches the replica with psql): two instances
# of the release binary on the primary, both reading from the replica, traffic through both,
# /metrics of each read by the official Prometheus client's text parser, one request followed
# by its ID through the JSON log, and a client reading its own write while the replica lags.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PRIMARY_URL:?}" "${REPLICA_URL:?}" "${PRIMARY_PSQL:?}" "${REPLICA_PSQL:?}"

cargo build --release --quiet
binary="${CARGO_TARGET_DIR:-target}/release/fusieregister"
work="$(mktemp -d)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "prometheus-client==0.26.0"

ports=()
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
token="$("$binary" token create --name operator-check --role editor --database-url "$PRIMARY_URL" 2>/dev/null)"
for n in 1 2; do
  port=$((20000 + RANDOM % 20000))
  ports+=("$port")
  "$binary" serve --database-url "$PRIMARY_URL" --read-database-url "$REPLICA_URL" \
    --listen "127.0.0.1:${port}" --log-format json >"$work/instance${n}.log" 2>&1 &
  pids+=("$!")
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS "http://127.0.0.1:${port}/readyz" >/dev/null
done
a="http://127.0.0.1:${ports[0]}/graphql"
b="http://127.0.0.1:${ports[1]}/graphql"
gql() { # url, body, extra curl arguments; prints headers then body
  local url="$1" body="$2"; shift 2
  curl -sS -D - -H 'content-type: application/json' "$@" --data "$body" "$url"
}
header() { tr -d '\r' | awk -v name="$1" 'tolower($1) == name":" { print $2 }'; }

# Traffic through both instances.
for _ in 1 2 3; do
  for url in "$a" "$b"; do
    gql "$url" '{"query":"query Provincies { provincies { code } }"}' >/dev/null
    gql "$url" '{"query":"query Fout { gemeente(code: \"Amsterdam\") { naam } }"}' >/dev/null
  done
done

# Reads from the replica while it lags; the own write through the primary, followed through
# the log by its request ID.
naam_sql="SELECT naam FROM gemeente WHERE code = 'GM0363'"
before="$(psql "$PRIMARY_PSQL" -qAtc "$naam_sql")"
for _ in $(seq 1 100); do [ "$(psql "$REPLICA_PSQL" -qAtc "$naam_sql")" = "$before" ] && break; sleep 0.1; done
psql "$REPLICA_PSQL" -qAtc 'SELECT pg_wal_replay_pause()' >/dev/null
after="Amsterdam (operator ${RANDOM})"
written="$(gql "$a" "{\"query\":\"mutation Corrigeer { corrigeerGemeente(input: { code: \\\"GM0363\\\", naam: \\\"${after}\\\" }) { gemeente { naam } } }\"}" \
  -H "authorization: Bearer ${token}" -H 'x-request-id: operator-check-1')"
printf '%s' "$written" | header x-request-id | grep -qx 'operator-check-1'
write="$(printf '%s' "$written" | header x-volgnummer)"
[ -n "$write" ] || { echo "the mutation's answer has no x-volgnummer: $written" >&2; exit 1; }
query='{"query":"{ gemeente(code: \"GM0363\") { naam } }"}'
stale="$(gql "$b" "$query")"
grep -qF "\"naam\":\"${before}\"" <<<"$stale" || { echo "instance 2 should read the lagging replica: $stale" >&2; exit 1; }
own="$(gql "$b" "$query" -H "x-min-volgnummer: ${write}")"
grep -qF "$after" <<<"$own" || { echo "x-min-volgnummer ${write} should see the write: $own" >&2; exit 1; }
psql "$REPLICA_PSQL" -qAtc 'SELECT pg_wal_replay_resume()' >/dev/null
echo "own write (volgnummer ${write}) read back through the other instance while the replica lagged"

# Each instance's metrics, read by the official Prometheus client's parser.
for url in "$a" "$b"; do curl -fsS "${url%/graphql}/metrics" >"$work/$(basename "${url%/graphql}" | tr ':' '_').prom"; done
"$work/venv/bin/python" - "$work" "${ports[@]}" <<'PY'
import sys, pathlib
from prometheus_client.parser import text_string_to_metric_families

work, ports = pathlib.Path(sys.argv[1]), sys.argv[2:]
for n, port in enumerate(ports, 1):
    text = (work / f"127.0.0.1_{port}.prom").read_text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    def value(name, suffix="", **labels):
        for s in families[name].samples:
            if s.name == name + suffix and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
        return None
    ok = value("fusieregister_graphql_requests", "_total", operation="Provincies", type="query", outcome="ok")
    bad = value("fusieregister_graphql_requests", "_total", operation="Fout", type="query", outcome="BAD_USER_INPUT")
    assert ok == 3 and bad == 3, (n, ok, bad)
    latency = value("fusieregister_graphql_request_duration_seconds", "_count", operation="Provincies", type="query")
    assert latency == 3, (n, latency)
    statements = value("fusieregister_graphql_request_sql_statements", "_count", type="query")
    assert statements and statements >= 6, (n, statements)
    for gauge in ("fusieregister_feed_last_volgnummer", "fusieregister_feed_slowest_subscriber_lag",
                  "fusieregister_database_pool_in_use_connections", "fusieregister_requests_waiting"):
        assert value(gauge) is not None, (n, gauge)
    build = next(f for name, f in families.items() if name.startswith("fusieregister_build")).samples[0].labels
    print(f"instance {n}: {int(ok)} ok + {int(bad)} refused Provincies/Fout queries, "
          f"{int(statements)} queries with statement counts, feed at {int(value('fusieregister_feed_last_volgnummer'))}, "
          f"slowest subscriber lag {int(value('fusieregister_feed_slowest_subscriber_lag'))}, build {build}")
PY

lines="$(grep -c '"request_id":"operator-check-1"' "$work/instance1.log" || true)"
[ "$lines" -ge 1 ] || { echo "no log line carries the request ID" >&2; cat "$work/instance1.log" >&2; exit 1; }
echo "request operator-check-1: ${lines} log line(s) on instance 1, e.g.:"
grep '"request_id":"operator-check-1"' "$work/instance1.log" | head -2
