#!/usr/bin/env bash
# writers-at-once.mjs against the project's .bin/embedded-db and, when given, another embedded-db binary (e.g. one
# built from an older tools/embedded-db), alternating, each on a throw-away data folder, at two write rates.
# Usage: bench/database/writers-at-once.sh [other embedded-db binary] [rounds, default 2]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$ROOT/.bin/nodejs/bin:$ROOT/.bin:$PATH"
OTHER=${1:-}; ROUNDS=${2:-2}
TMP=$(mktemp -d /tmp/writers-at-once-XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
run() { # label binary pause
  rm -rf "$TMP/data"
  "$2" -listen "127.0.0.1:$port" -dir "$TMP/data" >"$TMP/db.log" 2>&1 & PID=$!
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  local cpu0; cpu0=$(awk '{print $14 + $15}' "/proc/$PID/stat")
  printf '%-8s %s, database CPU ' "$1" "$(cd "$ROOT" && node bench/database/writers-at-once.mjs "mongodb://127.0.0.1:$port/" 50 15 "$3")"
  awk -v a="$cpu0" -v b="$(awk '{print $14 + $15}' "/proc/$PID/stat")" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f s\n", (b - a) / hz}'
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}
echo "$(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for pause in 100 1000; do
    run this "$ROOT/.bin/embedded-db" "$pause"
    [ -n "$OTHER" ] && run other "$OTHER" "$pause"
  done
done
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
