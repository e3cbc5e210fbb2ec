#!/usr/bin/env bash
# Runs schemathesis (PyPI) from a virtualenv under .bin/, created on first use (idempotent, pinned).
# Usage: scripts/schemathesis.sh run <openapi-url> [schemathesis options…]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="4.32.5"
VENV="$ROOT/.bin/venv-schemathesis"
STAMP="$VENV/.schemathesis-$VERSION"
if [ ! -f "$STAMP" ]; then
  (
    # One installer at a time: parallel jest workers may call this together.
    exec 9>"$ROOT/.bin/.schemathesis.lock"
    flock 9
    if [ ! -f "$STAMP" ]; then
      echo "==> installing schemathesis $VERSION into $VENV" >&2
      rm -rf "$VENV"
      if ! python3 -c 'import ensurepip' 2>/dev/null; then
        # Debian splits venv support out of python3.
        sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      fi
      python3 -m venv "$VENV"
      "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
      touch "$STAMP"
    fi
  )
fi
exec "$VENV/bin/schemathesis" "$@"
