#!/usr/bin/env bash
# Builds the OpenTelemetry Collector the tests send traces to (tools/otel-collector: an OTLP receiver, the batch
# processor and the file exporter, every collector module at the release its go.mod pins) from the Go module proxy
# into the machine cache, and links it as .bin/otelcol. Idempotent: a build is reused while go.mod, go.sum and
# main.go are unchanged. Usable on its own or sourced through lib.sh's setup_all.
set -euo pipefail
OTEL_COLLECTOR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ensure_otel_collector() {
  local src="$OTEL_COLLECTOR_ROOT/tools/otel-collector" cache="${PLAYBOOK_CACHE:-$HOME/.cache/playbook}" version digest
  version="$(awk '$1 == "go.opentelemetry.io/collector/otelcol" { print $2 }' "$src/go.mod")"
  digest="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-12)"
  local bin="$cache/otelcol-$version-$digest"
  if [ ! -x "$bin" ]; then
    printf '\033[1m==> %s\033[0m\n' "building the OpenTelemetry Collector $version" >&2
    mkdir -p "$cache"
    (cd "$src" && go build -trimpath -o "$bin.partial.$$" .)
    mv "$bin.partial.$$" "$bin"
  fi
  mkdir -p "$OTEL_COLLECTOR_ROOT/.bin"
  ln -sfn "$bin" "$OTEL_COLLECTOR_ROOT/.bin/otelcol"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then ensure_otel_collector; fi
