#!/usr/bin/env bash
# Starts a throwaway two-shard ClickHouse cluster on loopback for one test run and prints its connection string on
# stdout: two clickhouse-server processes (Debian's 18.16), each with its own folder and free ports, and a
# remote_servers entry (pe_cluster) naming both, so a Distributed table over per-shard tables runs one query across
# the shards. Logins need a password: a random one, generated here, held only in files of mode 600 (the users file
# holds its SHA-256; the cluster definition, which the shards use to query each other, and $CHDIR/password hold it).
# The connection string names the password file, not the password. Stop with .ci/stop-clickhouse.sh CHDIR.
# Environment: CHDIR (default: a new folder under /tmp).
set -euo pipefail
if ! command -v clickhouse-server >/dev/null 2>&1; then
  echo "Installing ClickHouse (Debian's clickhouse-server and clickhouse-client) with apt..." >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client; } >&2; then
    echo "error: clickhouse-server is not installed and apt could not install it (run as root, or install clickhouse-server yourself); or set PROTOCOLENGINE_CH to an existing two-shard cluster's connection string (Host=...;Port=...;Username=...;Cluster=...;ShardPorts=P1,P2;PasswordFile=PATH)" >&2
    exit 1
  fi
fi
made=""
if [ -z "${CHDIR:-}" ]; then CHDIR=$(mktemp -d /tmp/protocol-ch.XXXXXXXX); made=1; fi
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    for s in 1 2; do [ -f "$CHDIR/shard$s/pid" ] && kill "$(cat "$CHDIR/shard$s/pid")" 2>/dev/null || true; done
    [ -n "$made" ] && rm -rf "$CHDIR"
  fi
  return 0
}
trap cleanup EXIT
umask 077
mkdir -p "$CHDIR"

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! grep -qx "$port" "$CHDIR/ports" 2>/dev/null; then
      echo "$port" >> "$CHDIR/ports"; echo "$port"; return 0
    fi
  done
  echo "error: no free port found" >&2
  return 1
}

password=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
printf '%s\n' "$password" > "$CHDIR/password"
hash=$(printf '%s' "$password" | sha256sum | cut -d' ' -f1)
declare -A http tcp inter
for s in 1 2; do http[$s]=$(free_port); tcp[$s]=$(free_port); inter[$s]=$(free_port); done

for s in 1 2; do
  dir="$CHDIR/shard$s"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  cat > "$dir/users.xml" <<XML
<yandex>
  <!-- A million subjects' query needs about 4 GB on the initiator (it joins the per-subject results there); aggregations and sorts past 3 GB spill to disk. -->
  <profiles><default><max_memory_usage>10000000000</max_memory_usage><max_bytes_before_external_group_by>3000000000</max_bytes_before_external_group_by><max_bytes_before_external_sort>3000000000</max_bytes_before_external_sort><max_threads>2</max_threads></default></profiles>
  <users>
    <pe>
      <password_sha256_hex>$hash</password_sha256_hex>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </pe>
  </users>
  <quotas><default></default></quotas>
</yandex>
XML
  cat > "$dir/config.xml" <<XML
<yandex>
  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/error.log</errorlog><size>10M</size><count>2</count></logger>
  <http_port>${http[$s]}</http_port>
  <tcp_port>${tcp[$s]}</tcp_port>
  <interserver_http_port>${inter[$s]}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>50</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <pe_cluster>
      <shard><replica><host>127.0.0.1</host><port>${tcp[1]}</port><user>pe</user><password>$password</password></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>${tcp[2]}</port><user>pe</user><password>$password</password></replica></shard>
    </pe_cluster>
  </remote_servers>
  <macros><shard>$s</shard></macros>
</yandex>
XML
  # The server runs in its own session, detached from this script's output (a caller that captures stdout must not wait
  # on it); setsid execs in place, so $! is the server's own id, which stop-clickhouse.sh signals.
  setsid clickhouse-server --config-file="$dir/config.xml" >"$dir/stdout.log" 2>&1 < /dev/null &
  echo $! > "$dir/pid"
done
unset password

for s in 1 2; do
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:${http[$s]}/ping" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  if ! curl -sf "http://127.0.0.1:${http[$s]}/ping" >/dev/null 2>&1; then
    echo "error: ClickHouse shard $s did not start; see $CHDIR/shard$s/error.log" >&2
    exit 1
  fi
done
echo "Host=127.0.0.1;Port=${http[1]};Username=pe;Database=default;Cluster=pe_cluster;ShardPorts=${http[1]},${http[2]};PasswordFile=$CHDIR/password"
