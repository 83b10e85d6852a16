# shellcheck shell=bash
# Shared by tools/db and tools/ceph: the lock, env file and state directory of
# a throwaway service on loopback. Source it after setting ENV_FILE, LOCK_FILE,
# STATE_VAR (the env file's variable naming the state directory), STATE_PREFIX
# (the directory's required prefix, a guard against removing anything else)
# and defining log().

# Hold the service's lock on fd 9 until exit: two concurrent callers (parallel
# CI steps) must not start two. Daemons must not inherit fd 9, or they would
# hold the lock for their lifetime.
throwaway_lock() {
  exec 9>"$LOCK_FILE"
  flock 9
}

# In start.sh: when the env file describes a service that `$1` (a command)
# finds healthy, print the file and exit 0; when it is stale, run stop.sh (in
# `$2`, the tool's directory) under our lock first.
throwaway_reuse() {
  [[ -f $ENV_FILE ]] || return 0
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  if [[ -n ${!STATE_VAR:-} ]] && "$1"; then
    log "already running ($ENV_FILE)"
    cat "$ENV_FILE"
    exit 0
  fi
  log "stale state in $ENV_FILE: cleaning up first"
  flock -u 9
  bash "$2/stop.sh" --locked
  flock 9
}

# In stop.sh (`$1` its first argument: start.sh calls it with --locked while
# holding the lock): take the lock, read the env file and set DIR to the state
# directory; exit 0 when there is nothing to stop or the directory is not one
# of ours.
throwaway_state() {
  [[ ${1:-} == --locked ]] || throwaway_lock
  if [[ ! -f $ENV_FILE ]]; then
    log "nothing to stop"
    exit 0
  fi
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  DIR=${!STATE_VAR:-}
  if [[ $DIR != "$STATE_PREFIX"* ]]; then
    log "unexpected state dir '$DIR' in $ENV_FILE; removing only the env file"
    rm -f "$ENV_FILE"
    exit 0
  fi
}

# In stop.sh, once its processes are gone: remove the state and the env file.
throwaway_remove() {
  rm -rf "$DIR"
  rm -f "$ENV_FILE"
  log "stopped; removed $DIR"
}

# Install the Debian packages named in the array `missing` (as root), or exit 1 naming them.
# shellcheck disable=SC2154
throwaway_install_missing() {
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (install them, or run as root)"
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});"
}
