/**
 * An interrupted `disk-ledger replay --host real` leaves nothing behind: its
 * temporary root holds disk images and real secret marker files, so SIGINT,
 * SIGTERM and SIGHUP remove it before the process exits as the signal would.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './run-cli.js';

const BIN = fileURLToPath(new URL('../../packages/simulator/bin/disk-ledger.js', import.meta.url));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'disk-ledger-interrupt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const interrupted = async (signal: NodeJS.Signals): Promise<{ code: number | null; left: string[] }> => {
  const tmp = await mkdtemp(join(dir, `${signal}-`));
  const child = spawn(process.execPath, [BIN, 'replay', 'scenarios/advisories/cve-2016-2140-resize.yaml', '--host', 'real', '--mode', 'both'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Wait until the replay has made its root (and so planted its secrets), then interrupt it.
  for (let i = 0; i < 400 && (await readdir(tmp)).length === 0; i += 1) await new Promise((r) => setTimeout(r, 25));
  expect(await readdir(tmp)).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 100));
  child.kill(signal);
  const code = await exited;
  return { code, left: await readdir(tmp) };
};

describe('disk-ledger replay --host real, interrupted', () => {
  it('removes its temporary root on SIGINT and exits 130', async () => {
    expect(await interrupted('SIGINT')).toEqual({ code: 130, left: [] });
  });

  it('removes its temporary root on SIGTERM and exits 143', async () => {
    expect(await interrupted('SIGTERM')).toEqual({ code: 143, left: [] });
  });

  it('removes its temporary root on SIGHUP (a closed terminal) and exits 129', async () => {
    expect(await interrupted('SIGHUP')).toEqual({ code: 129, left: [] });
  });
});
