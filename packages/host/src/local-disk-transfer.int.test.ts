import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { HostPath } from '@disk-ledger/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDiskTransfer } from './local-disk-transfer.js';

describe('LocalDiskTransfer', () => {
  let dir = '';
  afterEach(async () => { if (dir !== '') await rm(dir, { recursive: true, force: true }); });

  it('copies a file byte for byte, creating parents', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dl-transfer-'));
    await writeFile(join(dir, 'a'), Buffer.from([0x51, 0x46, 0x49, 0xfb, 1, 2, 3]));
    const r = await new LocalDiskTransfer().copyFile('h1', join(dir, 'a') as HostPath, 'h2', join(dir, 'b', 'c') as HostPath)();
    expect(E.isRight(r)).toBe(true);
    expect([...(await readFile(join(dir, 'b', 'c')))]).toEqual([0x51, 0x46, 0x49, 0xfb, 1, 2, 3]);
  });

  it('reports a missing source as FS_NOT_FOUND', async () => {
    dir = await mkdtemp(join(tmpdir(), 'dl-transfer-'));
    const r = await new LocalDiskTransfer().copyFile('h1', join(dir, 'none') as HostPath, 'h2', join(dir, 'x') as HostPath)();
    expect(E.isLeft(r) && r.left.code).toBe('FS_NOT_FOUND');
  });
});
