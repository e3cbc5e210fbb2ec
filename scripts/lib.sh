# Shared by setup.sh, stack.sh and test.sh: idempotent installs and process helpers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# What the scripts build (Node, nats-server, the control plane, the stand-in base image) is kept here, outside
# the clone, so a fresh clone on the same machine reuses it.
PLAYBOOK_CACHE_DIR="${PLAYBOOK_CACHE:-$HOME/.cache/playbook}"
source "$ROOT/scripts/node.sh"
use_project_node
APT_PACKAGES=(chromium chromium-headless-shell poppler-utils openssl fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core nginx-light wrk prometheus unzip)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts these as system services on install; the project runs its own instances.
    for unit in nginx prometheus prometheus-node-exporter; do $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true; done
    pkill -x nginx >/dev/null 2>&1 || true
  fi
}

ensure_node_modules() {
  local stamp="$ROOT/node_modules/.package-lock.sha" abi_stamp="$ROOT/node_modules/.node-abi"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  local abi; abi="$(node -p process.versions.modules)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
    echo "$abi" >"$abi_stamp"
  fi
  # Native add-ons are built for one Node ABI: after a Node switch they are rebuilt in place (N-API ones,
  # like argon2's, still load and are kept).
  if [ "$(cat "$abi_stamp" 2>/dev/null)" != "$abi" ]; then
    log "npm rebuild (native add-ons for Node $(node --version))"
    (cd "$ROOT" && npm rebuild --loglevel=error >/dev/null)
    echo "$abi" >"$abi_stamp"
  fi
}

ensure_embedded_db() {
  [ -n "${MONGO_URL:-}" ] && return 0
  local bin="$ROOT/.bin/embedded-db" src="$ROOT/tools/embedded-db"
  if [ ! -x "$bin" ] || [ -n "$(find "$src" -newer "$bin" \( -name '*.go' -o -name go.sum \) -print -quit)" ]; then
    log "building the embedded database (FerretDB + SQLite)"
    (cd "$src" && go build -o "$bin" .)
  fi
}

# nats-server at the version tools/nats-server/go.mod pins (the chart's image runs the same), built from the Go
# module proxy into the machine cache, so a fresh clone on this machine links the binary built before.
ensure_nats_server() {
  local src="$ROOT/tools/nats-server" cache="$PLAYBOOK_CACHE_DIR" version
  version="$(awk '$1 == "github.com/nats-io/nats-server/v2" { print $2 }' "$src/go.mod")"
  local bin="$cache/nats-server-$version"
  if [ ! -x "$bin" ]; then
    log "building nats-server $version"
    mkdir -p "$cache"
    (cd "$src" && go build -trimpath -o "$bin.partial.$$" github.com/nats-io/nats-server/v2)
    mv "$bin.partial.$$" "$bin"
  fi
  mkdir -p "$ROOT/.bin"
  ln -sfn "$bin" "$ROOT/.bin/nats-server"
}

build_workspace() {
  log "compiling TypeScript"
  # The client's types are generated from the OpenAPI document, which the compiled contract builds.
  (cd "$ROOT" && npx tsc -b contract && node client/scripts/generate-types.mjs && npx tsc -b)
}

# service_rows FIELD...: one line per row of the services table (contract/src/services.ts) holding the given
# fields, space-separated. Read from the source (Node 24 strips its types), so nothing needs building first;
# call ensure_node before.
service_rows() {
  local fields; fields="$(printf 's.%s,' "$@")"
  node --no-warnings --input-type=module -e \
    "const { SERVICES } = await import('$ROOT/contract/src/services.ts'); for (const s of SERVICES) console.log([${fields%,}].join(' '));"
}

# service_node_options FOLDER: the NODE_OPTIONS the services table gives that service (often none).
service_node_options() {
  node --no-warnings --input-type=module -e \
    "const { SERVICES } = await import('$ROOT/contract/src/services.ts'); console.log(SERVICES.find((s) => s.folder === process.argv[1])?.nodeOptions ?? '');" "$1"
}

setup_all() {
  ensure_node
  ensure_system_packages
  ensure_node_modules
  bash "$ROOT/scripts/helm-tools.sh"
  ensure_embedded_db
  ensure_nats_server
  # The OpenTelemetry Collector the tracing tests send to (tools/otel-collector), into the same machine cache.
  bash "$ROOT/scripts/otel-collector.sh"
  build_workspace
}

# wait_for_url URL SECONDS: polls until the URL answers 200.
wait_for_url() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# wait_for_port PORT SECONDS: polls until something listens on 127.0.0.1:PORT.
wait_for_port() {
  local port="$1" deadline=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}
