#!/usr/bin/env bash
# Stops the two servers .ci/start-clickhouse.sh started and deletes their folder (data and password files).
# Usage: .ci/stop-clickhouse.sh CHDIR. Does nothing for a folder it did not make.
set -euo pipefail
CHDIR=${1:?usage: stop-clickhouse.sh CHDIR}
case "$CHDIR" in /tmp/protocol-ch.*) ;; *) echo "error: $CHDIR is not a folder start-clickhouse.sh made" >&2; exit 2 ;; esac
[ -d "$CHDIR/shard1" ] || exit 0
for s in 1 2; do
  pidfile="$CHDIR/shard$s/pid"
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
done
rm -rf "$CHDIR"
