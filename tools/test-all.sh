#!/usr/bin/env bash
# Runs every test (unit, property, integration against real qemu-img, LVM,
# PostgreSQL, MariaDB and Ceph RBD, and the built CLI) from any state: sets
# the machine up, starts throwaway database servers and a one-node Ceph
# cluster on loopback, runs vitest (whose last line is the plain
# `N passed, N failed, N skipped` summary), and stops again those it
# started (servers an earlier caller started, and start.sh reused, keep
# running for that caller).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

started=()
stop_started() {
  local s
  for s in "${started[@]}"; do bash "tools/$s/stop.sh" >/dev/null 2>&1 || true; done
}
trap stop_started EXIT
# The state directory tools/<kind>/start.sh recorded in its env file, if any.
state_dir() { sed -n "s/^export $2=//p" "/tmp/disk-ledger-$1.env" 2>/dev/null || true; }
# Start (or reuse) tools/<kind>; remember to stop it unless it was already running.
start() {
  local before
  before=$(state_dir "$1" "$2")
  started+=("$1")
  bash "tools/$1/start.sh" >/dev/null
  if [[ -n $before && $(state_dir "$1" "$2") == "$before" ]]; then unset 'started[-1]'; fi
}
start db DISK_LEDGER_DB_DIR
start ceph DISK_LEDGER_CEPH_DIR
# shellcheck disable=SC1091
source /tmp/disk-ledger-db.env
# shellcheck disable=SC1091
source /tmp/disk-ledger-ceph.env
export DISK_LEDGER_PG_URL DISK_LEDGER_MYSQL_URL CEPH_CONF DISK_LEDGER_RBD_POOL
pnpm exec vitest run "$@"
