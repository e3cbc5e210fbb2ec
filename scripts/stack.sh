#!/usr/bin/env bash
# Brings up the whole system locally: NATS (JetStream), the embedded database, and the four services.
# Data lives in .data/ and survives restarts; logs in .run/logs/. Ctrl-C stops everything.
#
# It refuses to start while any port it needs is taken, naming the port and the process that holds it. Once
# up, if any of its processes exits it says which and why, stops the rest and exits non-zero. Its processes
# never outlive it: each runs in its own process group (stopped as a group, with what it started, such as
# Chromium) and gets SIGTERM from the kernel when the script dies, even by SIGKILL (setpriv --pdeathsig).
#
# Environment (also read from .env; what is set in the environment wins over .env):
#   NATS_PORT=4222 NATS_MONITOR_PORT=8222   the NATS it starts (none with NATS_EXTERNAL=1 and NATS_URL set); each
#                                           service connects as its own NATS user, its password in
#                                           .data/nats-users/users/<service>.password (generated once)
#   FORWARDING_KEY_FILE=.data/forwarding.key  the key the gateway signs client IPs with for auth-service (generated once)
#   DB_PORT=27017                           the embedded database it starts (none with MONGO_URL set)
#   <NAME>_PORT                             a service's port, e.g. GATEWAY_PORT=9080 (see SERVICES below)
#   STACK_DATA_DIR=.data STACK_LOG_DIR=.run/logs   where data and logs go
#   STACK_SKIP_SETUP=1                      skip installing and compiling (the tests run it on a built tree)
source "$(dirname "$0")/lib.sh"

# The services, in start order (the services table's order, the gateway last: its health check asks the others).
# Per row: name, folder, default port, the variable the others find it by. <NAME>_PORT (name upper-cased)
# overrides the port.
ensure_node
mapfile -t SERVICES < <(service_rows name folder port urlVariable)
((${#SERVICES[@]})) || { log "no services in contract/src/services.ts"; exit 1; }

cd "$ROOT"
if [ -f .env ]; then
  environment="$(export -p)"
  set -a; source .env; set +a
  eval "$environment"
fi

NATS_PORT="${NATS_PORT:-4222}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"
DB_PORT="${DB_PORT:-27017}"
DATA_DIR="${STACK_DATA_DIR:-$ROOT/.data}"
LOG_DIR="${STACK_LOG_DIR:-$ROOT/.run/logs}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:$NATS_PORT}"
export JWT_KEYS_DIR="${JWT_KEYS_DIR:-$DATA_DIR/keys}"
NATS_USERS_DIR="$DATA_DIR/nats-users"

# Every port this run will listen on, as "what:port" entries.
ports=()
[ -n "${NATS_EXTERNAL:-}" ] || ports+=("NATS:$NATS_PORT" "NATS monitoring:$NATS_MONITOR_PORT")
[ -n "${MONGO_URL:-}" ] || ports+=("database:$DB_PORT")
declare -A service_port=()
for row in "${SERVICES[@]}"; do
  read -r name folder default_port url_variable <<<"$row"
  port_variable="${name^^}_PORT"
  service_port[$folder]="${!port_variable:-$default_port}"
  ports+=("$folder:${service_port[$folder]}")
  export "$url_variable=${!url_variable:-http://127.0.0.1:${service_port[$folder]}}"
done
GATEWAY_PORT="${service_port[gateway]}"

# port_holders PORT: "pid <pid>: <command line>" of each process listening on PORT on any address; "unknown
# process" when it is taken but the holder cannot be seen (another user's process, or no ss). Silent when free.
port_holders() {
  local port="$1" listing pid
  if command -v ss >/dev/null; then
    listing="$(ss -Htlnp "sport = :$port")"
    [ -n "$listing" ] || return 0
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 0
    listing=""
  fi
  local holders; holders="$(grep -o 'pid=[0-9]*' <<<"$listing" | cut -d= -f2 | sort -un)"
  if [ -z "$holders" ]; then echo "unknown process"; return 0; fi
  for pid in $holders; do
    echo "pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed 's/ $//' | cut -c1-200 || echo "unknown command")"
  done
}

# Refuse before starting anything, naming each taken (or twice given) port and its holder.
refused=0
declare -A port_owner=()
for entry in "${ports[@]}"; do
  what="${entry%:*}" port="${entry##*:}"
  if [ -n "${port_owner[$port]:-}" ]; then
    log "port $port is given to both ${port_owner[$port]} and $what"; refused=1
  fi
  port_owner[$port]="$what"
  holders="$(port_holders "$port")"
  if [ -n "$holders" ]; then
    log "port $port ($what) is taken by $(paste -sd';' <<<"$holders" | sed 's/;/; /g')"; refused=1
  fi
done
if ((refused)); then
  log "not starting: free the ports above, or move this stack with NATS_PORT, NATS_MONITOR_PORT, DB_PORT and <SERVICE>_PORT"
  exit 1
fi

[ -n "${STACK_SKIP_SETUP:-}" ] || setup_all
mkdir -p "$DATA_DIR/nats" "$DATA_DIR/db" "$LOG_DIR"
pids=()
declare -A process_name=()

# stop_groups PID...: SIGTERM to each one's process group (with what it started, such as Chromium), SIGKILL to any
# still there after 15 s (the services' own shutdown gives up after 10 s).
stop_groups() {
  local pid deadline=$((SECONDS + 15))
  for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -KILL -- "-$pid" 2>/dev/null; then log "${process_name[$pid]} did not stop within 15 s: killed"; fi
    wait "$pid" 2>/dev/null || true
  done
}

# stop_all: the services (and the log tail) together, then what they use while they shut down: the database, NATS.
stop_all() {
  trap - INT TERM EXIT
  ((${#pids[@]})) || return 0
  log "stopping"
  local pid services=() infrastructure=()
  for pid in "${pids[@]}"; do
    case "${process_name[$pid]}" in
      nats | database) infrastructure=("$pid" "${infrastructure[@]}") ;;
      *) services+=("$pid") ;;
    esac
  done
  stop_groups "${services[@]}"
  for pid in "${infrastructure[@]}"; do stop_groups "$pid"; done
  log "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# start NAME COMMAND...: runs a process in a process group of its own, with its output in $LOG_DIR/NAME.log.
start() {
  local name="$1"; shift
  launch "$name" "$@" >>"$LOG_DIR/$name.log" 2>&1
}
# launch NAME COMMAND...: the same with the output where it is. The kernel sends the process SIGTERM when the
# script dies; a script that died before that was set up (no longer the parent) leaves it to exit at once.
launch() {
  local name="$1"; shift
  setsid setpriv --pdeathsig TERM -- bash -c '[ "$PPID" = "$1" ] && shift && exec "$@"' launch "$$" "$@" &
  pids+=($!)
  process_name[$!]="$name"
}

# report_exit PID STATUS: says which of its processes ended and how, with the end of its log.
report_exit() {
  local pid="$1" status="$2" name="${process_name[$1]:-process $1}" how="exited with code $2" signal
  if ((status > 128)) && signal="$(kill -l "$((status - 128))" 2>/dev/null)"; then how="was killed by SIG$signal"; fi
  local file="$LOG_DIR/$name.log"
  if [ -f "$file" ]; then
    log "$name (pid $pid) $how; the last lines of $file:"
    tail -n 20 "$file" >&2
  else
    log "$name (pid $pid) $how"
  fi
}

# wait_for WHAT SECONDS CHECK...: polls CHECK until it succeeds; stops the stack at once if one of its processes
# ends meanwhile, and after SECONDS.
wait_for() {
  local what="$1" deadline=$((SECONDS + $2)) exited status sleeper; shift 2
  until "$@"; do
    if ((SECONDS >= deadline)); then
      log "$what did not come up in $2 s; the last lines of its logs:"
      tail -n 20 "$LOG_DIR"/*.log >&2
      exit 1
    fi
    sleep 0.3 & sleeper=$!
    exited="" status=0
    wait -n -p exited "${pids[@]}" "$sleeper" 2>/dev/null || status=$?
    if [ -n "$exited" ] && [ "$exited" != "$sleeper" ]; then report_exit "$exited" "$status"; exit 1; fi
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# own_gateway_healthy: health answers 200 and the process listening on the gateway port is the one it started.
own_gateway_healthy() {
  curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:$GATEWAY_PORT/api/health" 2>/dev/null || return 1
  command -v ss >/dev/null || return 0
  ss -Htlnp "sport = :$GATEWAY_PORT" | grep -q "pid=$gateway_pid,"
}

if [ -z "${NATS_EXTERNAL:-}" ]; then
  # Anonymous connections are refused: only the identities of contract/src/nats-identities.ts get in.
  nats_config="$(node "$ROOT/scripts/nats-users.mjs" "$NATS_USERS_DIR")"
  start nats "$ROOT/.bin/nats-server" -c "$nats_config" -js -sd "$DATA_DIR/nats" -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT"
  wait_for NATS 15 port_open "$NATS_PORT"
fi
if [ -z "${MONGO_URL:-}" ]; then
  start database "$ROOT/.bin/embedded-db" -listen "127.0.0.1:$DB_PORT" -dir "$DATA_DIR/db"
  wait_for "the embedded database" 30 port_open "$DB_PORT"
  export MONGO_URL="mongodb://127.0.0.1:$DB_PORT"
fi
# The key the gateway signs each client IP with for auth-service's per-IP throttles; generated once, like the
# NATS passwords, and given only to those two.
forwarding_key_file="${FORWARDING_KEY_FILE:-$DATA_DIR/forwarding.key}"
if [ ! -f "$forwarding_key_file" ]; then
  (umask 077 && mkdir -p "$(dirname "$forwarding_key_file")" && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" >"$forwarding_key_file")
fi
for row in "${SERVICES[@]}"; do
  read -r name folder _ _ <<<"$row"
  nats_password_file="$NATS_USERS_DIR/users/$folder.password"
  secret_files=()
  [ ! -f "$nats_password_file" ] || secret_files=(NATS_USER="$folder" NATS_PASSWORD_FILE="$nats_password_file")
  case "$folder" in gateway | auth-service) secret_files+=(FORWARDING_KEY_FILE="$forwarding_key_file") ;; esac
  # /metrics stays on each service's own port: one METRICS_PORT (from .env) cannot serve four processes.
  start "$folder" env -u METRICS_PORT -u FORWARDING_KEY_FILE PORT="${service_port[$folder]}" NODE_OPTIONS="$(service_node_options "$folder")" "${secret_files[@]}" node "$folder/dist/main.js"
  [ "$name" != gateway ] || gateway_pid="${pids[-1]}"
done
wait_for "the stack" 60 own_gateway_healthy

metrics=""
for row in "${SERVICES[@]}"; do
  read -r name folder _ _ <<<"$row"
  metrics+=" :${service_port[$folder]} ($name)"
done
cat <<MSG

  Design Thinking Playbook is up.
    API        http://localhost:$GATEWAY_PORT/api
    Health     http://localhost:$GATEWAY_PORT/api/health
    API docs   http://localhost:$GATEWAY_PORT/api/docs
    Metrics    /metrics on$metrics

  Try it:
    curl -s localhost:$GATEWAY_PORT/api/health
    curl -s -X POST localhost:$GATEWAY_PORT/api/auth/register -H 'content-type: application/json' \\
      -d '{"email":"ada@example.com","password":"correct horse battery staple","name":"Ada"}'

  Logs follow (also in $LOG_DIR/). Ctrl-C stops everything.

MSG
launch logs tail -n 0 -F "$LOG_DIR"/*.log
exited="" status=0
wait -n -p exited "${pids[@]}" 2>/dev/null || status=$?
[ -z "$exited" ] || report_exit "$exited" "$status"
exit 1
