#!/usr/bin/env bash
# Deep runs of the security property suite:
#   pnpm test:props [--runs N] [--seed S] [--path P]
# --runs sets the sequences checked on the in-memory repository (a tenth of
# them also run on SQLite); --seed and --path replay a reported counterexample.
set -euo pipefail
cd "$(dirname "$0")/.."
while (($#)); do
  if [[ "$1" == --* && $# -lt 2 ]]; then echo "test:props: $1 needs a value (use --runs N, --seed S, --path P, --sqlite-runs N)" >&2; exit 2; fi
  case "$1" in
    --runs) export PROPS_RUNS="$2"; shift 2 ;;
    --seed) export PROPS_SEED="$2"; shift 2 ;;
    --path) export PROPS_PATH="$2"; shift 2 ;;
    --sqlite-runs) export PROPS_SQLITE_RUNS="$2"; shift 2 ;;
    *) echo "test:props: unknown option $1 (use --runs N, --seed S, --path P, --sqlite-runs N)" >&2; exit 2 ;;
  esac
done
exec pnpm exec vitest run test/properties
