#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for one test run and prints its connection string on stdout.
# Each run gets its own data folder and a free port, so runs in several worktrees never share or stop each other's
# server. Logins need a password (SCRAM-SHA-256): a random one, generated here, held only in $PGDIR/pgpass (mode 600),
# which the connection string names (Passfile=...): the string itself carries no secret. Stop the cluster with
# .ci/stop-postgres.sh PGDIR (tests/run does it on exit). Recipe from TOOLCHAIN.md; fsync stays on (the durability
# benchmarks run against it).
# Environment: PGDIR (default: a new folder under /tmp), PGPORT (default: a free port).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL..." >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
made=""
if [ -z "${PGDIR:-}" ]; then PGDIR=$(mktemp -d /tmp/protocol-pg.XXXXXXXX); made=1; fi
# A cluster that fails to start is not left behind.
cleanup() { [ $? -ne 0 ] && [ -n "$made" ] && { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }; return 0; }
trap cleanup EXIT
mkdir -p "$PGDIR"
chmod 700 "$PGDIR"
chown postgres:postgres "$PGDIR"

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 40000 ))
    # Nothing answers on it: free (a run that takes it meanwhile makes pg_ctl fail, and the loop below tries again).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "error: no free port found" >&2
  return 1
}

if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
  # The password exists only in files of mode 600: the one initdb reads (then deleted) and the pgpass the tests read.
  password=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
  umask 077
  printf '%s\n' "$password" > "$PGDIR/pwfile"
  chown postgres:postgres "$PGDIR/pwfile"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=scram-sha-256 --pwfile="$PGDIR/pwfile" \
    -E UTF8 --no-locale --no-sync >&2
  rm -f "$PGDIR/pwfile"
  printf '%s\n' "$password" > "$PGDIR/password"
  unset password
fi

started=""
for attempt in 1 2 3 4 5; do
  port=${PGPORT:-$(free_port)}
  if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 30 start \
       -o "-c listen_addresses=127.0.0.1 -p $port -k $PGDIR -c max_connections=200 -c password_encryption=scram-sha-256" >&2; then
    started=$port
    break
  fi
  [ -n "${PGPORT:-}" ] && break
  echo "PostgreSQL did not start on port $port (taken meanwhile?); trying another (attempt $attempt)." >&2
done
if [ -z "$started" ]; then
  echo "error: PostgreSQL did not start; see $PGDIR/log" >&2
  exit 1
fi
umask 077
printf '127.0.0.1:%s:*:postgres:%s\n' "$started" "$(cat "$PGDIR/password")" > "$PGDIR/pgpass"
echo "Host=127.0.0.1;Port=$started;Username=postgres;Database=postgres;Passfile=$PGDIR/pgpass"
