import * as E from 'fp-ts/lib/Either.js';
import type { HostPath } from '@disk-ledger/domain';
import { describe, expect, it } from 'vitest';
import { FakeCluster } from './fake-cluster.js';
import { FakeDiskTransfer } from './fake-disk-transfer.js';

describe('FakeDiskTransfer', () => {
  const setup = () => {
    const cluster = new FakeCluster({ hosts: [{ name: 'a', directories: ['/x'] }, { name: 'b' }] });
    return { cluster, transfer: new FakeDiskTransfer(cluster) };
  };

  it('copies a file to another host as stored, without reading a format', async () => {
    const { cluster, transfer } = setup();
    await cluster.files('a').writeTextAtomic('/x/f' as HostPath, 'hello')();
    const before = cluster.probes().length;
    const r = await transfer.copyFile('a', '/x/f' as HostPath, 'b', '/y/z/f' as HostPath)();
    expect(E.isRight(r)).toBe(true);
    const text = await cluster.files('b').readText('/y/z/f' as HostPath)();
    expect(E.isRight(text) && text.right).toBe('hello');
    expect(cluster.probes().length).toBe(before);
  });

  describe('when the source is missing', () => {
    it('is FS_NOT_FOUND and writes nothing', async () => {
      const { cluster, transfer } = setup();
      const r = await transfer.copyFile('a', '/x/none' as HostPath, 'b', '/y/f' as HostPath)();
      expect(E.isLeft(r) && r.left.code).toBe('FS_NOT_FOUND');
      const exists = await cluster.files('b').exists('/y/f' as HostPath)();
      expect(E.isRight(exists) && exists.right).toBe(false);
    });
  });
});
