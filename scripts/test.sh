#!/usr/bin/env bash
# The whole test suite: setup, then jest (which starts NATS and the embedded database on free ports itself).
source "$(dirname "$0")/lib.sh"
setup_all
cd "$ROOT"
npx jest "$@"
