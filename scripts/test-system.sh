#!/usr/bin/env bash
# The system suite (test/system): faults, load and hostile input against the whole stack.
# Usage: scripts/test-system.sh [--full] [jest args…]
#   --full  the long forms: 50 users × 60 s load, 10-minute soak, ≥ 2,000 schemathesis requests;
#           results land in .bin/system-results/ (see docs/reliability.md).
source "$(dirname "$0")/lib.sh"
if [ "${1:-}" = "--full" ]; then
  shift
  export SYSTEM_FULL=1
fi
setup_all
cd "$ROOT"
npx jest -c jest.system.config.js "$@"
