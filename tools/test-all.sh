#!/usr/bin/env bash
# Runs every test (unit, property, integration against real qemu-img, LVM,
# PostgreSQL and MariaDB, and the built CLI) from any state: sets the machine
# up, starts throwaway database servers on loopback, runs vitest (whose last
# line is the plain `N passed, N failed, N skipped` summary), and stops the
# servers again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
bash tools/db/start.sh >/dev/null
trap 'bash tools/db/stop.sh >/dev/null 2>&1 || true' EXIT
# shellcheck disable=SC1091
source /tmp/disk-ledger-db.env
export DISK_LEDGER_PG_URL DISK_LEDGER_MYSQL_URL
pnpm exec vitest run "$@"
