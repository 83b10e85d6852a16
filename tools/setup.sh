#!/usr/bin/env bash
# Brings a fresh Debian machine with Node and npm to the point where every
# test can run: pinned pnpm, the system tools the integration tests drive,
# the workspace's dependencies, and a build. Idempotent and quick when done.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
# ceph-mon, ceph-osd (they bring ceph-base: monmaptool) and ceph-common (the
# ceph and rbd clients) run tools/ceph/start.sh's throwaway cluster;
# qemu-block-extra is qemu-img's rbd driver.
DEBIAN_PACKAGES=(qemu-utils e2fsprogs util-linux lvm2 genisoimage python3-oslo.versionedobjects postgresql mariadb-server
  ceph-mon ceph-osd ceph-common qemu-block-extra)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1
fi

# better-sqlite3 builds from source against the system's Node headers.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
pnpm install --frozen-lockfile --reporter=silent
pnpm run --silent build
