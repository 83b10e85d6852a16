import { mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostPath } from '@disk-ledger/domain';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskTransfer } from './local-disk-transfer.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dl-copy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const GiB = 1024 ** 3;

describe('LocalDiskTransfer', () => {
  it('copies a sparse disk byte for byte into a new directory without filling its holes', async () => {
    await writeFile(join(dir, 'disk'), 'head bytes');
    await truncate(join(dir, 'disk'), GiB);
    const dst = join(dir, 'b', 'c', 'disk');
    const r = await new LocalDiskTransfer().copyFile('h1', join(dir, 'disk') as HostPath, 'h2', dst as HostPath)();
    expect(r).toEqual(E.right(undefined));
    const s = await stat(dst);
    expect(s.size).toBe(GiB);
    // A plain copy would allocate the whole GiB.
    expect(s.blocks * 512).toBeLessThan(1024 * 1024);
    const file = await open(dst);
    const head = Buffer.alloc(10);
    await file.read(head, 0, 10, 0);
    await file.close();
    expect(head.toString()).toBe('head bytes');
  });

  it('reports a missing source as FS_NOT_FOUND', async () => {
    const r = await new LocalDiskTransfer().copyFile('h1', join(dir, 'nope') as HostPath, 'h2', join(dir, 'x') as HostPath)();
    expect(E.isLeft(r) && r.left.code).toBe('FS_NOT_FOUND');
  });
});
