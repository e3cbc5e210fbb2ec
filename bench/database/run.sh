#!/usr/bin/env bash
# The embedded database's two FerretDB backends side by side: SQLite (the project's .bin/embedded-db) and
# PostgreSQL (Debian's PostgreSQL 15 behind bench/database/ferretdb-pg, built into .bin/bench-ferretdb-pg).
# Starts both on free ports with throw-away data folders, times what starting them costs, then
# bench-database.ts fills and times both (see there). Needs `apt-get install -y postgresql`; PostgreSQL
# refuses to run as root, so as root it runs as the `postgres` user.
# Usage: bench/database/run.sh [--samples 50]
# SQLITE_BEFORE=<an embedded-db binary> adds a third backend, e.g. one built from an older tools/embedded-db.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/database"
export PATH="$ROOT/.bin/nodejs/bin:$ROOT/.bin:$PATH"
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "$PGBIN/postgres" ] || { echo "no PostgreSQL: apt-get install -y postgresql" >&2; exit 1; }
[ -x "$ROOT/.bin/embedded-db" ] || { echo "no .bin/embedded-db: bash scripts/setup.sh" >&2; exit 1; }
if [ ! -x "$ROOT/.bin/bench-ferretdb-pg" ] || [ "$HERE/ferretdb-pg/main.go" -nt "$ROOT/.bin/bench-ferretdb-pg" ]; then
  (cd "$HERE/ferretdb-pg" && go build -o "$ROOT/.bin/bench-ferretdb-pg" .)
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

TMP=$(mktemp -d /tmp/bench-database-XXXXXX)
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$TMP/pg/data/postmaster.pid" ] && as_postgres "$PGBIN/pg_ctl" -D "$TMP/pg/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; cat "$TMP"/*.log >&2; exit 1; }

SQLITE_PORT=$(free_port)
t0=$(now_ms)
"$ROOT/.bin/embedded-db" -listen "127.0.0.1:$SQLITE_PORT" -dir "$TMP/sqlite" >"$TMP/sqlite.log" 2>&1 & PIDS+=($!); SQLITE_PID=$!
wait_port "$SQLITE_PORT"
sqlite_start=$(( $(now_ms) - t0 ))
BEFORE=""
if [ -n "${SQLITE_BEFORE:-}" ]; then
  BEFORE_PORT=$(free_port)
  "$SQLITE_BEFORE" -listen "127.0.0.1:$BEFORE_PORT" -dir "$TMP/sqlite-before" >"$TMP/sqlite-before.log" 2>&1 & PIDS+=($!)
  wait_port "$BEFORE_PORT"
  BEFORE="sqlite-before=mongodb://127.0.0.1:$BEFORE_PORT=$! "
fi

mkdir -p "$TMP/pg/socket"
chown -R postgres "$TMP/pg" 2>/dev/null || true
t0=$(now_ms)
as_postgres "$PGBIN/initdb" -D "$TMP/pg/data" -U postgres --auth=trust -E UTF8 >"$TMP/initdb.log" 2>&1
t1=$(now_ms)
as_postgres "$PGBIN/pg_ctl" -D "$TMP/pg/data" -l "$TMP/pg/postgres.log" -w \
  -o "-k $TMP/pg/socket -c listen_addresses='' -c fsync=on" start >/dev/null
as_postgres "$PGBIN/createdb" -h "$TMP/pg/socket" -U postgres ferretdb
t2=$(now_ms)
PG_PORT=$(free_port)
"$ROOT/.bin/bench-ferretdb-pg" -listen "127.0.0.1:$PG_PORT" -postgresql-url "postgres://postgres@/ferretdb?host=$TMP/pg/socket" >"$TMP/ferretdb-pg.log" 2>&1 & PIDS+=($!); FERRET_PG_PID=$!
wait_port "$PG_PORT"
t3=$(now_ms)
POSTMASTER_PID=$(head -n1 "$TMP/pg/data/postmaster.pid")
STARTUP="sqlite: embedded-db ready in ${sqlite_start} ms; postgresql: initdb $(( t1 - t0 )) ms, postgres start + createdb $(( t2 - t1 )) ms, FerretDB ready $(( t3 - t2 )) ms, total $(( t3 - t0 )) ms; $("$PGBIN/postgres" --version); data dir after initdb $(du -sm "$TMP/pg/data" | cut -f1) MB"
echo "$STARTUP"

cd "$ROOT"
BENCH_STARTUP="$STARTUP" \
BENCH_BACKENDS="${BEFORE}sqlite=mongodb://127.0.0.1:$SQLITE_PORT=$SQLITE_PID postgresql=mongodb://127.0.0.1:$PG_PORT=$FERRET_PG_PID,$POSTMASTER_PID" \
  npx tsx bench/database/bench-database.ts "$@"
