#!/usr/bin/env node
// The disk-ledger CLI. Runs the built ESM; `pnpm build` first in a checkout.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('disk-ledger: not built yet: run `pnpm build` at the repository root first\n');
  process.exit(2);
}
await import(entry.href);
