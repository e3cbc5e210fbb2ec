#!/bin/bash
# One member of the in-chart MongoDB replica set (templates/mongodb.yaml, mongodb.replicas > 1): runs mongod,
# then joins it to the set (mongodb-join.js) and waits for mongod, passing SIGTERM on so it steps down cleanly.
set -uo pipefail

# mongod refuses a key file that group or others may read; Secret volumes are group-readable under fsGroup.
install -m 0400 /etc/mongodb-key/key /tmp/replica-set.key

mongod --replSet "$REPLICA_SET" --keyFile /tmp/replica-set.key --bind_ip_all --wiredTigerCacheSizeGB 0.25 &
mongod_pid=$!
trap 'kill -TERM "$mongod_pid"; wait "$mongod_pid"; exit $?' TERM INT

until mongosh --quiet --norc --eval 'db.adminCommand({ ping: 1 }).ok' >/dev/null 2>&1; do
  kill -0 "$mongod_pid" 2>/dev/null || { wait "$mongod_pid"; exit $?; }
  sleep 1
done
until mongosh --quiet --norc --file /etc/mongodb-scripts/mongodb-join.js; do
  kill -0 "$mongod_pid" 2>/dev/null || break
  sleep 5
done
wait "$mongod_pid"
