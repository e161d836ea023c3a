#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server for the test run, on loopback only, and prints its URL.
#   scripts/postgres.sh start DIR   -> prints DATABASE_URL
#   scripts/postgres.sh stop DIR
# Uses the machine's PostgreSQL (installing Debian's package when missing). The server refuses to
# run as root, so as root it runs as the `postgres` system user.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?data directory}
port=${CONVENOR_TEST_PG_PORT:-54329}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_server_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ]; then
      echo "PostgreSQL not found: installing Debian's postgresql package" >&2
      if [ "$(id -u)" != 0 ]; then echo "Install PostgreSQL (apt-get install postgresql) and retry" >&2; exit 1; fi
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(find_bin)
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_server_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/convenor"
    ;;
  stop)
    bin=$(find_bin)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
