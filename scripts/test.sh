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
# The control plane and the images take most of a first run's time (about 25 minutes on 2 cores) but seconds once
# cached; built at the lowest priority beside the suites below, they use the CPU those leave idle while waiting.
log "building the control plane and the images in the background (logs: .run/cluster-build.log, .run/images-build.log)"
setsid nice -n 19 bash scripts/cluster.sh build >.run/cluster-build.log 2>&1 &
cluster_build=$!
setsid nice -n 19 bash scripts/images.sh >.run/images-build.log 2>&1 &
images_build=$!
# Each build is its own process group, so a run that stops early (a type error, Ctrl-C) takes its compilers along.
trap 'kill -- "-$cluster_build" "-$images_build" 2>/dev/null || true' EXIT
# finished_build PID LOG: waits for a background build; on failure prints the end of its log.
finished_build() {
  wait "$1" && return 0
  log "build failed; the end of $2:"; tail -n 40 "$2" >&2
  return 1
}
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
if finished_build "$cluster_build" .run/cluster-build.log; then
  npx jest -c jest.cluster.config.js --json --outputFile=.run/jest-cluster.json || status=1
else
  status=1
fi
log "image tests (the stack run from the container images)"
if finished_build "$images_build" .run/images-build.log; then
  npx jest -c jest.images.config.js --json --outputFile=.run/jest-images.json || status=1
else
  status=1
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
