#!/usr/bin/env bash
# Brings up the whole system locally: NATS (JetStream), the embedded database, and the four services.
# Data lives in .data/ and survives restarts; logs in .run/logs/. Ctrl-C stops everything.
source "$(dirname "$0")/lib.sh"
setup_all
cd "$ROOT"
[ -f .env ] && { set -a; source .env; set +a; }

NATS_PORT="${NATS_PORT:-4222}"
DB_PORT="${DB_PORT:-27017}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:$NATS_PORT}"
export MONGO_URL_DEFAULT="mongodb://127.0.0.1:$DB_PORT"
mkdir -p .data/nats .data/db .run/logs
pids=()

stop_all() {
  trap - INT TERM EXIT
  log "stopping"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  log "stopped"
}
trap stop_all INT TERM EXIT

start() { # start NAME COMMAND...: runs a process with its output in .run/logs/NAME.log
  local name="$1"; shift
  "$@" >>".run/logs/$name.log" 2>&1 &
  pids+=($!)
}

if [ -z "${NATS_EXTERNAL:-}" ]; then
  start nats "$ROOT/.bin/nats-server" -js -sd "$ROOT/.data/nats" -a 127.0.0.1 -p "$NATS_PORT" -m 8222
  wait_for_port "$NATS_PORT" 15 || { log "NATS did not start, see .run/logs/nats.log"; exit 1; }
fi
if [ -z "${MONGO_URL:-}" ]; then
  start database "$ROOT/.bin/embedded-db" -listen "127.0.0.1:$DB_PORT" -dir "$ROOT/.data/db"
  wait_for_port "$DB_PORT" 30 || { log "the embedded database did not start, see .run/logs/database.log"; exit 1; }
  export MONGO_URL="$MONGO_URL_DEFAULT"
fi
for service in auth-service project-service pdf-service gateway; do
  start "$service" node "$service/dist/main.js"
done

if ! wait_for_url "http://127.0.0.1:${GATEWAY_PORT:-8080}/api/health" 60; then
  log "the stack did not become healthy; last log lines:"
  tail -n 20 .run/logs/*.log
  exit 1
fi
cat <<MSG

  Design Thinking Playbook is up.
    API        http://localhost:${GATEWAY_PORT:-8080}/api
    Health     http://localhost:${GATEWAY_PORT:-8080}/api/health
    API docs   http://localhost:${GATEWAY_PORT:-8080}/api/docs
    Metrics    http://localhost:8081/metrics (auth) :8082 (project) :8083 (pdf) :8080 (gateway)

  Try it:
    curl -s localhost:${GATEWAY_PORT:-8080}/api/health
    curl -s -X POST localhost:${GATEWAY_PORT:-8080}/api/auth/register -H 'content-type: application/json' \\
      -d '{"email":"ada@example.com","password":"correct horse battery staple","name":"Ada"}'

  Logs follow (also in .run/logs/). Ctrl-C stops everything.

MSG
tail -n 0 -F .run/logs/*.log &
pids+=($!)
wait -n
