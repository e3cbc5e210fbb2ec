#!/usr/bin/env bash
# The whole test suite: setup, type checks and lint, then jest — unit, service and deploy tests (which
# start NATS and the embedded database on free ports themselves), then the short system suite (faults,
# load, hostile input against the whole stack). With arguments, only `jest ARGS` runs after the setup.
source "$(dirname "$0")/lib.sh"
setup_all
cd "$ROOT"
if (($#)); then exec npx jest "$@"; fi

mkdir -p .run
log "type-checking tests and benchmarks"
npx tsc -p tsconfig.tests.json
log "lint"
npx eslint .
status=0
log "unit, service and deploy tests"
npx jest --json --outputFile=.run/jest-main.json || status=1
log "system tests (short forms; npm run test:system:full for the long ones)"
npx jest -c jest.system.config.js --json --outputFile=.run/jest-system.json || status=1
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of [".run/jest-main.json", ".run/jest-system.json"]) {
    if (!fs.existsSync(file)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "$status"
