#!/usr/bin/env bash
# Gateway benchmark: one authenticated GET (1 KB answer) four ways, in one run, all on 127.0.0.1:
#   gateway (token checked) · gateway (GATEWAY_AUTH=off) · straight to the service · Debian nginx proxying.
# Servers are pinned to CPU $SERVER_CPU, wrk to CPU $LOAD_CPU. Rate limits are off and the gateway logs at
# warn (no access line per request), like nginx with access_log off.
# Usage: bench/gateway/run.sh [duration, default 5s] [connections, default 50] [rounds, default 5]
# Every request carries the next of $TOKENS distinct valid tokens (default 20000, round robin, tokens.lua):
# more than the 10,000 verified tokens the gateway remembers (oldest first out), so no token is still
# remembered when it comes round again and every request through the checking gateway verifies its
# signature (each wrk run resumes where the previous run against the same target stopped, so warm-up and
# rounds never replay fresh tokens). TOKENS=1 measures the other end: one token, verified once, then a cache hit.
# Rounds interleave the targets (every other round in reverse order), so a change in machine load hits
# them alike; the summary takes each target's median over the rounds. Beside the rates, each run records the
# CPU time the server under test used per request (nginx: master and worker), a measure of its own cost that
# a busy machine distorts far less than req/s.
# BASELINE=/path/to/another/build/main.js adds that gateway build as two more targets (token checked and
# GATEWAY_AUTH=off) in the same interleaved rounds: a before/after comparison under the same load. A build
# outside this tree finds this tree's packages through NODE_PATH.
# TRACING=<ratio> adds the checking gateway with OpenTelemetry tracing on as one more target, keeping that share of
# the traces (TRACING=1: every request, OTEL_TRACES_SAMPLER=always_on; TRACING=0.1: the chart's production ratio,
# parentbased_traceidratio), exporting over OTLP/HTTP to the project's collector (.bin/otelcol,
# scripts/otel-collector.sh) pinned to the load CPU beside wrk, as a collector runs on another node in a cluster.
set -euo pipefail
DURATION=${1:-5s}
CONNECTIONS=${2:-50}
ROUNDS=${3:-5}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
TOKENS=${TOKENS:-20000}
BASELINE=${BASELINE:-}
TRACING=${TRACING:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/gateway"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
start() { "$@" >>"$TMP/servers.log" 2>&1 & PIDS+=($!); }
# CPU seconds (user + system) a server process and its children (nginx's worker) have used so far: divided by the
# requests of a run, the CPU each request cost, which other engineers' load on the machine barely changes.
cpu_seconds() {
  local pids total=0 pid ticks
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ' || true)"
  for pid in $pids; do
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    total=$((total + ticks))
  done
  awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}

(cd "$ROOT" && npx tsc -b gateway)

NATS_PORT=$(free_port); UPSTREAM_PORT=$(free_port); GW_ON_PORT=$(free_port); GW_OFF_PORT=$(free_port); NGINX_PORT=$(free_port)
# With JetStream: the gateway follows token revocations and the live events there.
start taskset -c "$SERVER_CPU" "$ROOT/.bin/nats-server" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$TMP/jetstream"
wait_port "$NATS_PORT"
start taskset -c "$SERVER_CPU" node "$HERE/upstream.mjs" "$UPSTREAM_PORT"
UPSTREAM_PID=$!
node "$HERE/token-issuer.mjs" "nats://127.0.0.1:$NATS_PORT" "$TOKENS" "$TMP/tokens.txt" >"$TMP/issuer.out" 2>>"$TMP/servers.log" & PIDS+=($!)
for _ in $(seq 1 1200); do [ -s "$TMP/issuer.out" ] && break; sleep 0.1; done
[ "$(cat "$TMP/issuer.out" 2>/dev/null)" = "ready $TOKENS" ] || { echo "token issuer not ready"; cat "$TMP/servers.log"; exit 1; }
[ "$(wc -l <"$TMP/tokens.txt")" -eq "$TOKENS" ] || { echo "expected $TOKENS tokens"; exit 1; }

gateway_env() {
  echo NODE_ENV=test LOG_LEVEL=warn NATS_URL="nats://127.0.0.1:$NATS_PORT" RATE_LIMIT_ENABLED=false PORT="$1" GATEWAY_AUTH="$2" \
    AUTH_SERVICE_URL="http://127.0.0.1:$UPSTREAM_PORT" PROJECT_SERVICE_URL="http://127.0.0.1:$UPSTREAM_PORT" PDF_SERVICE_URL="http://127.0.0.1:$UPSTREAM_PORT"
}
# shellcheck disable=SC2046
start env $(gateway_env "$GW_ON_PORT" on) taskset -c "$SERVER_CPU" node "$ROOT/gateway/dist/main.js"
GW_ON_PID=$!
# shellcheck disable=SC2046
start env $(gateway_env "$GW_OFF_PORT" off) taskset -c "$SERVER_CPU" node "$ROOT/gateway/dist/main.js"
GW_OFF_PID=$!
if [ -n "$BASELINE" ]; then
  BASE_ON_PORT=$(free_port); BASE_OFF_PORT=$(free_port)
  # shellcheck disable=SC2046
  start env $(gateway_env "$BASE_ON_PORT" on) NODE_PATH="$ROOT/node_modules" taskset -c "$SERVER_CPU" node "$BASELINE"
  BASE_ON_PID=$!
  # shellcheck disable=SC2046
  start env $(gateway_env "$BASE_OFF_PORT" off) NODE_PATH="$ROOT/node_modules" taskset -c "$SERVER_CPU" node "$BASELINE"
  BASE_OFF_PID=$!
fi

if [ -n "$TRACING" ]; then
  [ -x "$ROOT/.bin/otelcol" ] || bash "$ROOT/scripts/otel-collector.sh"
  OTLP_PORT=$(free_port); GW_TRACED_PORT=$(free_port)
  # The file exporter keeps the spans on a rotation of 20 MB: the benchmark reads none of them, the collector only has to take them.
  cat >"$TMP/otelcol.yaml" <<YAML
receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:$OTLP_PORT"}}}}
processors: {batch: {}}
exporters: {file: {path: "$TMP/spans.jsonl", rotation: {max_megabytes: 20, max_backups: 1}}}
service:
  telemetry: {metrics: {level: none}}
  pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [file]}}
YAML
  start taskset -c "$LOAD_CPU" "$ROOT/.bin/otelcol" --config "$TMP/otelcol.yaml"
  wait_port "$OTLP_PORT"
  sampler=always_on; [ "$TRACING" = 1 ] || sampler=parentbased_traceidratio
  # shellcheck disable=SC2046
  start env $(gateway_env "$GW_TRACED_PORT" on) OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT" OTEL_TRACES_SAMPLER="$sampler" OTEL_TRACES_SAMPLER_ARG="$TRACING" taskset -c "$SERVER_CPU" node "$ROOT/gateway/dist/main.js"
  GW_TRACED_PID=$!
fi

mkdir -p "$TMP/nginx/tmp"
sed -e "s/@NGINX_PORT@/$NGINX_PORT/" -e "s/@UPSTREAM_PORT@/$UPSTREAM_PORT/" "$HERE/nginx.conf" >"$TMP/nginx/nginx.conf"
start taskset -c "$SERVER_CPU" nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf"
NGINX_PID=$!
for port in "$UPSTREAM_PORT" "$GW_ON_PORT" "$GW_OFF_PORT" "$NGINX_PORT" ${BASELINE:+"$BASE_ON_PORT" "$BASE_OFF_PORT"} ${TRACING:+"$GW_TRACED_PORT"}; do wait_port "$port"; done

PATH_UNDER_TEST=/api/auth/me
for TOKEN in "$(head -n1 "$TMP/tokens.txt")" "$(tail -n1 "$TMP/tokens.txt")"; do
  check=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_ON_PORT$PATH_UNDER_TEST")
  [ "$check" = 200 ] || { echo "gateway (auth on) answered $check"; cat "$TMP/servers.log"; exit 1; }
done
check=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_ON_PORT$PATH_UNDER_TEST")
[ "$check" = 401 ] || { echo "gateway (auth on) let a request without token through ($check)"; exit 1; }

run() { # name port pid
  local url="http://127.0.0.1:$2$PATH_UNDER_TEST"
  # One position in the token pool per target: had the other targets' runs advanced it too, the checking
  # gateway would start a run among tokens it verified in its previous run and still remembers.
  local position="$TMP/tokens.$2.next"
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d3s -s "$HERE/tokens.lua" "$url" -- "$TMP/tokens.txt" "$position" >/dev/null # warm-up (JIT, pools)
  local cpu_before
  cpu_before=$(cpu_seconds "$3")
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$HERE/tokens.lua" "$url" -- "$TMP/tokens.txt" "$position" >"$TMP/$1.txt"
  local cpu_used
  cpu_used=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$3")" 'BEGIN {printf "%.2f", b - a}')
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/$1.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$TMP/$1.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$TMP/$1.txt")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' "$TMP/$1.txt" | tr '\n' ' ')
  local total failed cpu_per_request
  total=$(awk '/requests in/ {print $1}' "$TMP/$1.txt")
  failed=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$TMP/$1.txt")
  cpu_per_request=$(awk -v cpu="$cpu_used" -v n="$total" 'BEGIN {printf "%.0f", (n > 0 ? cpu * 1e6 / n : 0)}')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$1" "$rps" "$p50" "$p99" "$cpu_per_request" "${errors:-none}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$rps" "$p50" "$p99" "$total" "$failed" "$cpu_per_request" >>"$TMP/results.tsv"
}

echo "machine: $(nproc) CPUs, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | xargs); $(node --version); $(nginx -v 2>&1); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "wrk -t1 -c$CONNECTIONS -d$DURATION, GET $PATH_UNDER_TEST (1 KB JSON), $TOKENS distinct tokens round robin, servers on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU"
echo
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| round | target | req/s | p50 | p99 | server CPU µs/request | errors |'
echo '|---|---|---|---|---|---|---|'
TARGETS=("gateway, token checked|$GW_ON_PORT|$GW_ON_PID" "gateway, GATEWAY_AUTH=off|$GW_OFF_PORT|$GW_OFF_PID" "service directly|$UPSTREAM_PORT|$UPSTREAM_PID" "nginx proxy|$NGINX_PORT|$NGINX_PID")
[ -n "$BASELINE" ] && TARGETS+=("baseline, token checked|$BASE_ON_PORT|$BASE_ON_PID" "baseline, GATEWAY_AUTH=off|$BASE_OFF_PORT|$BASE_OFF_PID")
[ -n "$TRACING" ] && TARGETS+=("gateway, token checked, tracing $(awk -v r="$TRACING" 'BEGIN {print r * 100}') %|$GW_TRACED_PORT|$GW_TRACED_PID")
for round in $(seq 1 "$ROUNDS"); do
  mapfile -t order < <(seq 0 $((${#TARGETS[@]} - 1))); [ $((round % 2)) -eq 0 ] && mapfile -t order < <(seq $((${#TARGETS[@]} - 1)) -1 0)
  for i in "${order[@]}"; do IFS='|' read -r name port pid <<<"${TARGETS[$i]}"; run "$name" "$port" "$pid"; done
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node "$HERE/summarize.mjs" "$TMP/results.tsv"
