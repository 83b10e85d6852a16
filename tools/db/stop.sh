#!/usr/bin/env bash
# Stops the servers tools/db/start.sh started and removes their data
# directories and /tmp/disk-ledger-db.env. Safe to run when nothing runs. The
# lock file stays: removing a file another start may be waiting on would let
# two starts run at once.
set -euo pipefail

ENV_FILE=/tmp/disk-ledger-db.env
LOCK_FILE=/tmp/disk-ledger-db.lock
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

log() { echo "db/stop: $*" >&2; }
STATE_VAR=DISK_LEDGER_DB_DIR
STATE_PREFIX=/tmp/disk-ledger-db.
# shellcheck source-path=SCRIPTDIR source=../lib/throwaway.sh
source "$(dirname "$0")/../lib/throwaway.sh"
throwaway_state "${1:-}"

if [[ -f $DIR/pg/data/postmaster.pid ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  else
    "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
fi

if [[ -f $DIR/mysql/mysqld.pid ]]; then
  pid=$(cat "$DIR/mysql/mysqld.pid")
  # Only the process whose pid file we wrote, and only if it is a mariadbd.
  if [[ -n $pid ]] && grep -q mariadbd "/proc/$pid/comm" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
fi

throwaway_remove
