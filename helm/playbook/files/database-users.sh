#!/bin/bash
# The container beside mongod that keeps the database users in step with their Secrets (templates/mongodb.yaml):
# runs database-users.js once mongod takes the root login, again whenever a mounted Secret changes (the kubelet
# updates the files in place), and marks itself ready after the first run that succeeded. /tmp/users-alive is
# touched on every turn of the loop for the liveness probe.
set -uo pipefail

trap 'exit 0' TERM INT
applied=""
while true; do
  touch /tmp/users-alive
  current="$(cat "$USERS_DIR"/* | sha256sum)"
  if [ "$current" != "$applied" ]; then
    if mongosh --quiet --norc --nodb --file /etc/database-users/database-users.js; then
      applied="$current"
      touch /tmp/users-applied
    else
      echo "database users not applied yet; retrying in 10 s" >&2
    fi
    # mongosh writes a log file per run under $HOME; retries while mongod is down must not fill the emptyDir.
    rm -f "$HOME"/.mongodb/mongosh/*_log
  fi
  # In the background, so SIGTERM is handled at once rather than after the sleep.
  sleep 10 &
  wait $!
done
