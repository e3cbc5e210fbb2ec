#!/usr/bin/env bash
# Installs what the project needs (apt packages, npm packages, the embedded database) and compiles it. Idempotent.
source "$(dirname "$0")/lib.sh"
setup_all
