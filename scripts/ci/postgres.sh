#!/usr/bin/env bash
# A throwaway PostgreSQL server for integration tests and CI.
#
#   scripts/ci/postgres.sh start    install Debian's postgresql if missing, initdb, start; prints the URL
#   scripts/ci/postgres.sh stop     stop it and delete its data
#   scripts/ci/postgres.sh status
#   scripts/ci/postgres.sh url      print the URL again
#
# Listens on 127.0.0.1:${CLEARLINE_PG_PORT:-55432} only, trust auth for the "postgres" role on
# that socket (a test server: never expose it). Data in ${CLEARLINE_PG_DIR:-/tmp/clearline-postgres}.
# Run as root (it installs packages and runs the server as the postgres user via runuser), or as
# a user who can run initdb/pg_ctl themselves.
#
# Then: TEST_DATABASE_URL=$(scripts/ci/postgres.sh url) npx vitest run -c vitest.integration.config.ts
set -euo pipefail

PORT="${CLEARLINE_PG_PORT:-55432}"
DIR="${CLEARLINE_PG_DIR:-/tmp/clearline-postgres}"
DATA="$DIR/data"
LOG="$DIR/server.log"
URL="postgresql://postgres@127.0.0.1:${PORT}/postgres"

find_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [[ -n "$v" && -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]] && echo "/usr/lib/postgresql/$v/bin"
}

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  if [[ -z "$(find_bin)" ]]; then
    if [[ $(id -u) -ne 0 ]]; then echo "postgresql is not installed and this is not root: apt-get install -y postgresql" >&2; exit 1; fi
    echo "installing Debian's postgresql…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    # Debian's package creates and starts a default cluster on 5432; we only want the binaries.
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters --no-header 2>/dev/null | while read -r ver name _; do pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true; done
    fi
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then useradd --system --home-dir /var/lib/postgresql postgres; fi
}

running() {
  local bin; bin=$(find_bin) || return 1
  [[ -f "$DATA/PG_VERSION" ]] && as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  ensure_installed
  local bin; bin=$(find_bin)
  if running; then echo "already running" >&2; echo "$URL"; return; fi
  mkdir -p "$DIR"
  if [[ $(id -u) -eq 0 ]]; then chown postgres:postgres "$DIR"; fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    as_pg "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data $DATA, log $LOG)" >&2
  echo "$URL"
}

stop() {
  local bin
  if bin=$(find_bin) && [[ -f "$DATA/PG_VERSION" ]]; then
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  echo "stopped; removed $DIR" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $URL"; else echo "not running"; exit 1; fi ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 64 ;;
esac
