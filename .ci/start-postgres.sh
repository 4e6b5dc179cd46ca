#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback (idempotent: does nothing if it already runs) and prints its
# connection string on stdout. Recipe from TOOLCHAIN.md. fsync stays on: the durability benchmarks run against it.
# Environment: PGPORT (default 54329), PGDIR (default /tmp/protocol-pg).
set -euo pipefail
PGPORT=${PGPORT:-54329}
PGDIR=${PGDIR:-/tmp/protocol-pg}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  mkdir -p "$PGDIR"
  chown postgres:postgres "$PGDIR"
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >&2
  fi
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c max_connections=200" >&2
fi
echo "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
