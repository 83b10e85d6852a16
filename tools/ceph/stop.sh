#!/usr/bin/env bash
# Stops the Ceph daemons tools/ceph/start.sh started and removes their
# directory and /tmp/disk-ledger-ceph.env. Safe to run when nothing runs.
set -euo pipefail

ENV_FILE=/tmp/disk-ledger-ceph.env
LOCK_FILE=/tmp/disk-ledger-ceph.lock

log() { echo "ceph/stop: $*" >&2; }
STATE_VAR=DISK_LEDGER_CEPH_DIR
STATE_PREFIX=/tmp/disk-ledger-ceph.
# shellcheck source-path=SCRIPTDIR source=../lib/throwaway.sh
source "$(dirname "$0")/../lib/throwaway.sh"
throwaway_state "${1:-}"

# Only the processes whose pid files the cluster wrote, and only if they are
# still the ceph daemons (a pid may have been reused). SIGKILL at once: the
# state is thrown away, and on SIGTERM the OSD spends seconds saying goodbye
# to the monitor and writing its memstore out to disk.
pids=()
for name in osd.0 mon.a; do
  pidfile=$DIR/run/$name.pid
  [[ -f $pidfile ]] || continue
  pid=$(cat "$pidfile")
  if [[ $pid =~ ^[0-9]+$ ]] && grep -qx "ceph-${name%%.*}" "/proc/$pid/comm" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
done

# Whether a process still runs: a zombie (dead, not yet reaped by whoever
# inherited it) does not.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  [[ ${stat##*) } != Z* ]]
}
# Gone before their directory goes.
for pid in "${pids[@]}"; do
  for _ in $(seq 1 100); do
    running "$pid" || break
    sleep 0.1
  done
done

throwaway_remove
