#!/usr/bin/env bash
# Runs every test (unit, property, integration against real tools) from any
# state: sets the machine up first, then runs vitest, whose last line is the
# plain `N passed, N failed, N skipped` summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec pnpm exec vitest run "$@"
