#!/usr/bin/env bash
# Save benchmark: the whole stack as separate processes on the embedded database, PUT of 1 / 25 / 106 answers
# through the gateway beside the raw driver's one-document `$set` of the same data, and the hot reads, at one
# project and at N projects × 100 answers (bench/save/bench-save.ts says how). Compiles the services first.
# Usage: bench/save/run.sh [projects, default 1000] [--samples 30] [--no-write]
# Results: a markdown table on stdout, the JSON in .bin/bench-results/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$ROOT/.bin/nodejs/bin:$ROOT/.bin:$PATH"
cd "$ROOT"
npx tsc -b
exec npx tsx bench/save/bench-save.ts "$@"
