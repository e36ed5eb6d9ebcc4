#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 and prints `export DATABASE_URL=...`.
# Usage: eval "$(scripts/pg-throwaway.sh start [port])"; ...; scripts/pg-throwaway.sh stop
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
set -euo pipefail
cmd=${1:-start}
port=${2:-55432}
state=${PG_THROWAWAY_DIR:-${TMPDIR:-/tmp}/onfile-pg-$port}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    if [ -f "$state/data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$state/data" status >/dev/null 2>&1; then
      echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"; exit 0
    fi
    rm -rf "$state"; mkdir -p "$state"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$state"
    as_pg "$pgbin/initdb" -D "$state/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # fsync and friends off: a test cluster, thrown away after the run.
    as_pg "$pgbin/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $state -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
    "$pgbin/pg_isready" -h 127.0.0.1 -p "$port" >/dev/null
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -d "$state/data" ] && as_pg "$pgbin/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$state"
    ;;
  *) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
