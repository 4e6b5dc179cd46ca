#!/usr/bin/env bash
# Stops a cluster that .ci/start-postgres.sh started and deletes its folder (its data and password files).
# Usage: .ci/stop-postgres.sh PGDIR. Does nothing for a folder it did not make (no data/PG_VERSION).
set -euo pipefail
PGDIR=${1:?usage: stop-postgres.sh PGDIR}
case "$PGDIR" in /tmp/protocol-pg.*) ;; *) echo "error: $PGDIR is not a folder start-postgres.sh made" >&2; exit 2 ;; esac
[ -f "$PGDIR/data/PG_VERSION" ] || exit 0
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
rm -rf "$PGDIR"
