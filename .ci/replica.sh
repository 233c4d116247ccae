#!/usr/bin/env bash
# A real streaming replica on this machine: a PostgreSQL primary and a replica made from it with
# `pg_basebackup -R`, each a cluster of its own on a port of its own (the machine's PostgreSQL
# is left alone), then tests/streaming_replica.rs against the two. Both clusters are removed
# afterwards, also when the test fails. Then .ci/operator.sh: two release binaries on the pair.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "${PG_BIN}/initdb" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
PRIMARY_PORT="${REPLICA_TEST_PRIMARY_PORT:-55432}"
REPLICA_PORT="${REPLICA_TEST_REPLICA_PORT:-55433}"
WORK="$(mktemp -d /tmp/fusieregister-replica.XXXXXX)"

# PostgreSQL refuses to run as root: run its tools as `postgres` when this script is root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$WORK"

stop() {
  as_pg "${PG_BIN}/pg_ctl" -D "$WORK/replica" -m immediate stop >/dev/null 2>&1 || true
  as_pg "${PG_BIN}/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

# initdb's pg_hba.conf with --auth=trust lets local replication connections in.
as_pg "${PG_BIN}/initdb" -D "$WORK/primary" -U postgres --auth=trust >/dev/null
cat >>"$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = ${PRIMARY_PORT}
unix_socket_directories = '${WORK}'
wal_level = replica
max_wal_senders = 4
CONF
as_pg "${PG_BIN}/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_pg "${PG_BIN}/createdb" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres fusieregister

# The replica: a base backup of the primary; -R writes primary_conninfo and standby.signal.
as_pg "${PG_BIN}/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream
echo "port = ${REPLICA_PORT}" >>"$WORK/replica/postgresql.conf"
as_pg "${PG_BIN}/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
in_recovery="$(psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d fusieregister -Atc 'SELECT pg_is_in_recovery()')"
[ "$in_recovery" = t ] || { echo "the replica is not in recovery" >&2; exit 1; }
echo "primary on ${PRIMARY_PORT}, streaming replica on ${REPLICA_PORT}"

TEST_PRIMARY_URL="postgres://postgres@127.0.0.1:${PRIMARY_PORT}/fusieregister" \
TEST_REPLICA_URL="postgres://postgres@127.0.0.1:${REPLICA_PORT}/fusieregister" \
  cargo test --test streaming_replica -- --ignored

PRIMARY_URL="postgres://postgres@127.0.0.1:${PRIMARY_PORT}/fusieregister" \
REPLICA_URL="postgres://postgres@127.0.0.1:${REPLICA_PORT}/fusieregister" \
PRIMARY_PSQL="postgresql://postgres@127.0.0.1:${PRIMARY_PORT}/fusieregister" \
REPLICA_PSQL="postgresql://postgres@127.0.0.1:${REPLICA_PORT}/fusieregister" \
  bash .ci/operator.sh
