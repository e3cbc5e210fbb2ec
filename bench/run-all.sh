#!/usr/bin/env bash
# The performance targets' benchmarks in one run, one after the other, each with the database filled to N
# projects × 100 answers where it has one (bench/support/fill.ts): saves (bench/save), the PDF pipeline with
# a soak (bench/pdf), the 50-user load at the default limits (bench/load), and the gateway against nginx with
# 20,000 distinct tokens and with one (bench/gateway: its upstream is a stub, so no database is on its path).
# Usage: bench/run-all.sh [projects, default 1000] [soak renders, default 300]
# The whole output goes to .bin/bench-results/all-<date>.txt; docs/benchmarks.md says what the last run found.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/lib.sh"
setup_all
cd "$ROOT"
export PATH="$ROOT/.bin/nodejs/bin:$ROOT/.bin:$PATH"
PROJECTS=${1:-1000}
SOAK=${2:-300}
mkdir -p .bin/bench-results
OUT=".bin/bench-results/all-$(date -u +%Y-%m-%dT%H-%M-%S).txt"
exec > >(tee "$OUT") 2>&1
section() { printf '\n== %s — %s UTC, load average %s\n' "$1" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

section "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GB, commit $(git rev-parse --short HEAD)"
section "saves, $PROJECTS projects"
bash bench/save/run.sh "$PROJECTS" --samples 30 --no-write
section "PDF pipeline, filled to $PROJECTS projects, soak of $SOAK renders"
npx tsx bench/pdf/bench-pdf.ts --fill "$PROJECTS" --soak "$SOAK" --no-write
section "50 users × 60 s, filled to $PROJECTS projects"
LOAD_FILL_PROJECTS=$PROJECTS bash bench/load/run.sh load
section "gateway, 20,000 distinct tokens"
bash bench/gateway/run.sh
section "gateway, one token"
TOKENS=1 bash bench/gateway/run.sh
section "done; results in $OUT"
