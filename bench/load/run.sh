#!/usr/bin/env bash
# The load harness on its own: the 50-user × 60 s load test and the 10-minute soak against a fresh stack,
# then the measured tables (markdown) for docs/reliability.md.
# Usage: bench/load/run.sh [load|soak|all]   (LOAD_USERS, LOAD_SECONDS, SOAK_SECONDS override the sizes)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib.sh"
setup_all
cd "$ROOT"
export SYSTEM_FULL=1
case "${1:-all}" in
  load) files=(test/system/load.test.ts) ;;
  soak) files=(test/system/soak.test.ts) ;;
  all) files=(test/system/load.test.ts test/system/soak.test.ts) ;;
  *) echo "usage: $0 [load|soak|all]" >&2; exit 2 ;;
esac
npx jest -c jest.system.config.js "${files[@]}"
node bench/load/report.mjs
