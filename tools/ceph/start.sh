#!/usr/bin/env bash
# Starts a throwaway one-node Ceph cluster for the rbd integration tests: one
# monitor and one memory-backed OSD (memstore), no authentication, listening
# on 127.0.0.1 only on a free port, all state in a fresh directory under /tmp;
# creates the pool `vms` and writes what a client needs to
# /tmp/disk-ledger-ceph.env:
#
#   bash tools/ceph/start.sh && source /tmp/disk-ledger-ceph.env
#
# `rbd` and qemu-img (through librados) read the cluster's address from
# CEPH_CONF. Idempotent: when the cluster of an earlier run still answers,
# it only prints the env file. tools/ceph/stop.sh stops the daemons and
# removes the directory.
set -euo pipefail

ENV_FILE=/tmp/disk-ledger-ceph.env
LOCK_FILE=/tmp/disk-ledger-ceph.lock
POOL=vms
# How long the cluster may take to come up (monitor, OSD, pool) before we give up.
START_TIMEOUT=${DISK_LEDGER_CEPH_START_TIMEOUT:-60}
HERE=$(cd "$(dirname "$0")" && pwd)

log() { echo "ceph/start: $*" >&2; }

STATE_VAR=DISK_LEDGER_CEPH_DIR
# shellcheck source-path=SCRIPTDIR source=../lib/throwaway.sh
source "$HERE/../lib/throwaway.sh"
throwaway_lock

# Every client call is bounded: a ceph client waits for an absent monitor forever.
ceph_() { timeout 20 ceph -c "$CONF" --connect-timeout 15 "$@"; }

# Whether the cluster described by $CONF answers, with its OSD up and the pool there.
healthy() {
  [[ $(ceph_ osd stat 2>/dev/null) == *"1 up"* ]] \
    && ceph_ osd pool ls 2>/dev/null | grep -qx "$POOL"
}

# --- already running? --------------------------------------------------------
reusable() {
  CONF=${CEPH_CONF:-}
  [[ -f $CONF ]] && healthy
}
throwaway_reuse reusable "$HERE"

# --- tools ---------------------------------------------------------------------
# ceph-mon and ceph-osd bring ceph-base (monmaptool); ceph-common has the ceph
# and rbd clients; qemu-block-extra has qemu's rbd driver (block-rbd.so).
missing=()
command -v ceph-mon >/dev/null 2>&1 || missing+=(ceph-mon)
command -v ceph-osd >/dev/null 2>&1 || missing+=(ceph-osd)
command -v rbd >/dev/null 2>&1 && command -v ceph >/dev/null 2>&1 || missing+=(ceph-common)
compgen -G '/usr/lib/*/qemu/block-rbd.so' >/dev/null || missing+=(qemu-block-extra)
throwaway_install_missing
for tool in monmaptool timeout setsid; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing tool: $tool"; exit 1; }
done

DIR=$(mktemp -d /tmp/disk-ledger-ceph.XXXXXX)
chmod 755 "$DIR"
mkdir -p "$DIR/run" "$DIR/log" "$DIR/mon" "$DIR/osd"
CONF=$DIR/ceph.conf
FSID=$(cat /proc/sys/kernel/random/uuid)
PORT=$(free_port)

# Messenger v2 only: with msgr1 (`ms bind msgr2 = false`, or a plain
# `mon host = 127.0.0.1:PORT`) the OSD never comes up on this setup. The
# daemons' logs, pid files and admin sockets live in $DIR; clients get no
# admin socket (concurrent rbd and qemu-img processes would fight over it).
# The client timeouts make a test fail instead of hang if the cluster dies.
cat >"$CONF" <<CONF
[global]
fsid = $FSID
mon host = v2:127.0.0.1:$PORT
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd objectstore = memstore
memstore device bytes = 2147483648
osd max object name len = 256
osd max object namespace len = 64
run dir = $DIR/run
client mount timeout = 30
rados mon op timeout = 60
rados osd op timeout = 60

[mon]
mon data = $DIR/mon
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log

[osd]
osd data = $DIR/osd
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log

[client]
admin socket =
CONF

# On failure: what the daemons said, then the half-started cluster goes.
fail() {
  log "$*"
  for f in "$DIR"/log/*; do
    [[ -s $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 30 "$f" >&2
  done
  cat >"$ENV_FILE" <<ENV
export DISK_LEDGER_CEPH_DIR=$DIR
ENV
  flock -u 9
  bash "$HERE/stop.sh" --locked >/dev/null 2>&1 || true
  exit 1
}

# Run a setup step with its output in $DIR/log/setup.out; fail with it on error.
step() {
  echo "+ $*" >>"$DIR/log/setup.out"
  timeout 30 "$@" >>"$DIR/log/setup.out" 2>&1 9>&- || fail "step failed: $*"
}

deadline=$((SECONDS + START_TIMEOUT))
# Run a daemon detached: its own session, no terminal, no inherited pipes or
# lock (the OSD keeps stdout open, which would hang a caller reading ours).
detach() {
  local name=$1
  shift
  setsid "$@" </dev/null >"$DIR/log/$name-start.out" 2>&1 9>&- &
  disown || true
}

# --- monitor -------------------------------------------------------------------
step monmaptool --create --addv a "[v2:127.0.0.1:$PORT]" --fsid "$FSID" "$DIR/monmap"
step ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap"
detach mon.a ceph-mon -c "$CONF" -i a -f
until ceph_ mon stat >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail "the monitor did not answer within ${START_TIMEOUT}s"
  sleep 0.5
done

# --- OSD -----------------------------------------------------------------------
step ceph -c "$CONF" --connect-timeout 15 osd create
step ceph-osd -c "$CONF" -i 0 --mkfs
step ceph -c "$CONF" --connect-timeout 15 osd crush add osd.0 1 root=default host=localhost
detach osd.0 ceph-osd -c "$CONF" -i 0 -f
until [[ $(ceph_ osd stat 2>/dev/null) == *"1 up"* ]]; do
  ((SECONDS < deadline)) || fail "the OSD did not come up within ${START_TIMEOUT}s"
  sleep 0.5
done

# --- pool ------------------------------------------------------------------------
step ceph -c "$CONF" --connect-timeout 15 osd pool create "$POOL" 8
# `rbd pool init` waits for the pool's placement groups to become active.
step rbd -c "$CONF" pool init "$POOL"
((SECONDS < deadline)) || fail "the pool was not ready within ${START_TIMEOUT}s"

cat >"$ENV_FILE" <<ENV
export DISK_LEDGER_CEPH_DIR=$DIR
export CEPH_CONF=$CONF
export DISK_LEDGER_RBD_POOL=$POOL
ENV
log "Ceph monitor on 127.0.0.1:$PORT, pool $POOL (state in $DIR)"
cat "$ENV_FILE"
