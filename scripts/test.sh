#!/usr/bin/env bash
# The whole test suite: setup, type checks and lint, then jest — unit, service and deploy tests (which
# start NATS and the embedded database on free ports themselves), the short system suite (faults, load,
# hostile input against the whole stack), the cluster suite (the chart on a real control plane) and the
# image suite (the stack run from the container images). With arguments, only `jest ARGS` runs after the setup.
source "$(dirname "$0")/lib.sh"
setup_all
cd "$ROOT"
if (($#)); then exec npx jest "$@"; fi

mkdir -p .run
rm -f .run/jest-*.json
log "type-checking tests and benchmarks"
npx tsc -p tsconfig.tests.json
log "lint"
npx eslint .
status=0
log "unit, service and deploy tests"
npx jest --json --outputFile=.run/jest-main.json || status=1
log "system tests (short forms; npm run test:system:full for the long ones)"
npx jest -c jest.system.config.js --json --outputFile=.run/jest-system.json || status=1
log "cluster tests (the chart on a real Kubernetes control plane)"
if bash scripts/cluster.sh build; then
  npx jest -c jest.cluster.config.js --json --outputFile=.run/jest-cluster.json || status=1
else
  log "the control plane did not build"; status=1
fi
log "image tests (the stack run from the container images)"
if bash scripts/images.sh; then
  npx jest -c jest.images.config.js --json --outputFile=.run/jest-images.json || status=1
else
  log "the images did not build"; status=1
fi
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const phase of ["main", "system", "cluster", "images"]) {
    const file = `.run/jest-${phase}.json`;
    if (!fs.existsSync(file)) { console.log(`${phase}: no results`); failed++; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    console.log(`${phase}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites; skipped += r.numPendingTests;
  }
  console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit "$status"
