#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 and a throwaway MariaDB for the integration
# tests, each in a fresh data directory under /tmp, listening on 127.0.0.1 only
# on a free port, and writes their URLs to /tmp/disk-ledger-db.env:
#
#   bash tools/db/start.sh && source /tmp/disk-ledger-db.env
#
# Idempotent: when both servers of an earlier run still answer, it only prints
# the env file. tools/db/stop.sh stops them and removes the data directories.
set -euo pipefail

ENV_FILE=/tmp/disk-ledger-db.env
LOCK_FILE=/tmp/disk-ledger-db.lock
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
HERE=$(cd "$(dirname "$0")" && pwd)

log() { echo "db/start: $*" >&2; }

STATE_VAR=DISK_LEDGER_DB_DIR
# shellcheck source-path=SCRIPTDIR source=../lib/throwaway.sh
source "$HERE/../lib/throwaway.sh"
throwaway_lock

# --- already running? --------------------------------------------------------
healthy() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "${DISK_LEDGER_PG_PORT:-0}" \
    && mariadb-admin --no-defaults --socket="$DISK_LEDGER_DB_DIR/mysql.sock" -u root ping >/dev/null 2>&1
}
throwaway_reuse healthy "$HERE"

# --- tools ---------------------------------------------------------------------
missing=()
[[ -x $PG_BIN/initdb ]] || missing+=(postgresql-15)
command -v mariadbd >/dev/null 2>&1 && command -v mariadb-install-db >/dev/null 2>&1 || missing+=(mariadb-server)
if ((${#missing[@]})); then
  throwaway_install_missing
  # The Debian packages start system-wide servers of their own; we want ours only.
  service mariadb stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
fi

# PostgreSQL refuses to run as root; MariaDB wants an explicit user. When we are
# root, each runs as its own system account; otherwise as the caller.
if [[ $(id -u) -eq 0 ]]; then
  PG_USER=postgres
  MY_USER=mysql
  as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
  PG_USER=$(id -un)
  MY_USER=$(id -un)
  as_pg() { "$@"; }
fi

DIR=$(mktemp -d /tmp/disk-ledger-db.XXXXXX)
chmod 755 "$DIR"
mkdir -p "$DIR/pg" "$DIR/mysql"
chown "$PG_USER" "$DIR/pg"
chown "$MY_USER" "$DIR/mysql"

# --- PostgreSQL ----------------------------------------------------------------
PG_PORT=$(free_port)
as_pg "$PG_BIN/initdb" -D "$DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$DIR/pg/initdb.log" 2>&1 \
  || { log "initdb failed:"; cat "$DIR/pg/initdb.log" >&2; exit 1; }
# Durability is pointless for a throwaway server; fsync off keeps tests fast.
as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/server.log" -w -t 20 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DIR/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null 9>&- \
  || { log "postgres did not start:"; cat "$DIR/pg/server.log" >&2; exit 1; }

# --- MariaDB -------------------------------------------------------------------
MY_PORT=$(free_port)
MY_SOCK="$DIR/mysql.sock"
ln -s "$DIR/mysql/mysqld.sock" "$MY_SOCK"
mariadb-install-db --no-defaults --datadir="$DIR/mysql/data" --user="$MY_USER" \
  --auth-root-authentication-method=normal --skip-test-db >"$DIR/mysql/install.log" 2>&1 \
  || { log "mariadb-install-db failed:"; cat "$DIR/mysql/install.log" >&2; exit 1; }
mariadbd --no-defaults --datadir="$DIR/mysql/data" --user="$MY_USER" \
  --bind-address=127.0.0.1 --port="$MY_PORT" --socket="$DIR/mysql/mysqld.sock" \
  --pid-file="$DIR/mysql/mysqld.pid" --log-error="$DIR/mysql/server.log" \
  --skip-name-resolve --skip-log-bin --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
  --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --innodb-buffer-pool-size=64M \
  --max-connections=300 >/dev/null 2>&1 9>&- &
disown || true

for _ in $(seq 1 150); do
  mariadb-admin --no-defaults --socket="$MY_SOCK" -u root ping >/dev/null 2>&1 && break
  sleep 0.1
done
mariadb-admin --no-defaults --socket="$MY_SOCK" -u root ping >/dev/null 2>&1 \
  || { log "mariadbd did not start:"; cat "$DIR/mysql/server.log" >&2; exit 1; }
# A password-protected TCP user, so the tests exercise real authentication
# (and the URL redaction has something to redact).
mariadb --no-defaults --socket="$MY_SOCK" -u root -e \
  "CREATE USER IF NOT EXISTS 'disk_ledger'@'127.0.0.1' IDENTIFIED BY 'disk_ledger';
   GRANT ALL PRIVILEGES ON *.* TO 'disk_ledger'@'127.0.0.1' WITH GRANT OPTION;
   CREATE DATABASE IF NOT EXISTS disk_ledger;"

cat >"$ENV_FILE" <<ENV
export DISK_LEDGER_DB_DIR=$DIR
export DISK_LEDGER_PG_PORT=$PG_PORT
export DISK_LEDGER_MYSQL_PORT=$MY_PORT
export DISK_LEDGER_PG_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
export DISK_LEDGER_MYSQL_URL=mysql://disk_ledger:disk_ledger@127.0.0.1:$MY_PORT/disk_ledger
ENV
log "PostgreSQL on 127.0.0.1:$PG_PORT, MariaDB on 127.0.0.1:$MY_PORT (data in $DIR)"
cat "$ENV_FILE"
